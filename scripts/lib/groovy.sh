# shellcheck shell=bash
# The Groovy parser the template tests use to check generated Jenkinsfiles:
# the groovy jar from Maven Central into the git-ignored .tools/groovy,
# verified against Maven Central's SHA-1. Needs a Java runtime (the machine's
# OpenJDK). Exports CONVERGENCE_GROOVY_JAR.

GROOVY_VERSION=4.0.33

ensure_groovy() {
  command -v java >/dev/null 2>&1 || { echo "java is required to parse generated Jenkinsfiles" >&2; return 1; }
  local dir="$TOOLS_DIR/groovy"
  local jar="$dir/groovy-$GROOVY_VERSION.jar"
  local url="https://repo1.maven.org/maven2/org/apache/groovy/groovy/$GROOVY_VERSION/groovy-$GROOVY_VERSION.jar"
  if [ ! -f "$jar" ]; then
    phase "Groovy $GROOVY_VERSION from Maven Central into .tools/groovy"
    mkdir -p "$dir"
    local expected
    expected="$(curl -sSfL "$url.sha1" | cut -c1-40)" || { echo "could not fetch $url.sha1" >&2; return 1; }
    curl -sSfL -o "$jar.part" "$url" || { echo "could not fetch $url" >&2; return 1; }
    if [ "$(sha1sum "$jar.part" | cut -d' ' -f1)" != "$expected" ]; then
      rm -f "$jar.part"
      echo "groovy-$GROOVY_VERSION.jar does not match its SHA-1" >&2
      return 1
    fi
    mv "$jar.part" "$jar"
  fi
  export CONVERGENCE_GROOVY_JAR="$jar"
  phase "groovy $GROOVY_VERSION ($(java -version 2>&1 | head -1))"
}

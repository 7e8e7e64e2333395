module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // The tests' shared assertions (expectDecisionButtons, ...) are named expect*.
    'jest/expect-expect': [
      'warn',
      { assertFunctionNames: ['expect', 'expect*'] },
    ],
  },
});

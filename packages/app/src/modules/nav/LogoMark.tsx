/** The two converging chevrons of the Convergence mark, in a 60×60 box. */
export const LogoMark = ({ className }: { className: string }) => (
  <>
    <path className={className} d="M4 8 L28 30 L4 52 L12 52 L36 30 L12 8 Z" />
    <path
      className={className}
      d="M56 8 L32 30 L56 52 L48 52 L24 30 L48 8 Z"
      opacity={0.6}
    />
  </>
);

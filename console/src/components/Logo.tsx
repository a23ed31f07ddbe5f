/** Ferry's mark: a ferry hull carrying two containers. */
export function Logo({ size = 24 }: { size?: number }) {
  return (
    <svg class="logo" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="#1a73e8" />
      <path d="M6 19h20l-3 6H9z" fill="#fff" />
      <path d="M10 17V9h5v8M17 17v-5h5v5" fill="none" stroke="#fff" stroke-width="2.4" stroke-linejoin="round" />
    </svg>
  );
}

/** In-app links: a real <a href> (open in new tab, copy link) that moves inside the app without a page load. */
import type { ReactNode } from 'react';
import { navigate } from './router';

/** A link to `href` inside the app: a plain click goes there through the router (history push), no reload. */
export function AppLink({ href, className, children }: { href: string; className?: string; children: ReactNode }) {
  return (
    <a
      className={className}
      href={href}
      onClick={(e) => {
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}

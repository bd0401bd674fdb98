/**
 * How the Varsler list words a warning: naming its line exactly once. The
 * balance engine's line warnings name the line themselves («Tittel» har …, or
 * "Linje uten tittel" for an untitled one); the prose warnings do not, so they
 * get the line's name in front. Pure, so it is tested against the real
 * engine's messages.
 */

/** The engine's name for a line without a title (shared/balance.ts `lineName`). */
const ENGINE_UNTITLED = 'Linje uten tittel';

/**
 * `message` with the line named once: as it is when it already names `title`
 * (`«title»`, or the engine's untitled phrase for an empty title), otherwise
 * `«title»: message` (`untitled` standing in for an empty title). A warning about
 * no line (`title` null) is returned as it is.
 */
export function warningText(message: string, title: string | null, untitled: string): string {
  if (title === null) return message;
  const name = title.trim();
  const named = name ? message.includes(`«${name}»`) : message.includes(ENGINE_UNTITLED);
  return named ? message : `«${name || untitled}»: ${message}`;
}

// @ts-check
// "Do not disturb" choices of the settings screen, pure so they can be tested without a DOM.

/** The choices: hours from now, or `tomorrow` (08:00 local time). */
export const DND_CHOICES = ['1', '4', 'tomorrow'];

/**
 * When a "do not disturb" choice ends, as an ISO instant.
 * @param {string} choice one of {@link DND_CHOICES}
 * @param {Date} now
 * @returns {string}
 */
export function dndUntil(choice, now) {
  if (choice === 'tomorrow') {
    const end = new Date(now);
    end.setDate(end.getDate() + 1);
    end.setHours(8, 0, 0, 0);
    return end.toISOString();
  }
  return new Date(now.getTime() + Number(choice) * 3600 * 1000).toISOString();
}

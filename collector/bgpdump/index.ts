/** `bgpdump -m` compatible text output. */
export { formatBgpdump } from './format.js';
export { bgpdumpAsPath } from './aspath.js';

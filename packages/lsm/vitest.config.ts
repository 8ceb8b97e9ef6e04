import { memrepProject } from '../../vitest.shared.js';

export default memrepProject('lsm');

export { ReferenceTable } from './reference.js';

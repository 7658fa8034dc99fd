export * from './contract.js';
export { AppError, errorCodes, type ErrorCode } from './errors.js';
export * from './data-calls.js';

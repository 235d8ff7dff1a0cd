/**
 * Error classes of srml-mca. Every error carries a stable machine-readable `code`, so callers
 * can branch on the kind of failure without parsing the message.
 */

/** Stable codes carried by {@link SrmlError.code}. */
export type SrmlErrorCode =
  | 'invalid_argument'
  | 'shape_mismatch'
  | 'not_implemented'
  | 'data_error'
  | 'numerical_error'
  | 'serialization_error';

/** Base class of every error this library throws. */
export class SrmlError extends Error {
  readonly code: SrmlErrorCode;

  constructor(code: SrmlErrorCode, message: string) {
    super(message);
    this.name = 'SrmlError';
    this.code = code;
  }
}

/** A configuration value or function argument is out of its allowed range or of the wrong type. */
export class InvalidArgumentError extends SrmlError {
  constructor(message: string) {
    super('invalid_argument', message);
    this.name = 'InvalidArgumentError';
  }
}

/** A tensor has a rank, dimension or dtype that the layer cannot accept. */
export class ShapeMismatchError extends SrmlError {
  constructor(message: string) {
    super('shape_mismatch', message);
    this.name = 'ShapeMismatchError';
  }
}

/** An option that this library recognises but does not support. */
export class NotImplementedError extends SrmlError {
  constructor(message: string) {
    super('not_implemented', message);
    this.name = 'NotImplementedError';
  }
}

/** Input data (a file, a table, labels, indices) is malformed; the message names the place. */
export class DataError extends SrmlError {
  constructor(message: string) {
    super('data_error', message);
    this.name = 'DataError';
  }
}

/** A loss, gradient or statistic became NaN or infinite. */
export class NumericalError extends SrmlError {
  constructor(message: string) {
    super('numerical_error', message);
    this.name = 'NumericalError';
  }
}

/** A saved model cannot be read back: a missing file, an unregistered class, a bad format. */
export class SerializationError extends SrmlError {
  constructor(message: string) {
    super('serialization_error', message);
    this.name = 'SerializationError';
  }
}

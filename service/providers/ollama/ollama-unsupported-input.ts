// Raised before any call when the request holds something this target cannot take
// (a remote image URL, audio, a file, a model that cannot use tools). The error mapper
// turns it into a 501 so the chain moves on to a target that can.

export class OllamaUnsupportedInputError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'OllamaUnsupportedInputError';
    this.code = code;
  }
}

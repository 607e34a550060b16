/**
 * Types for the parts of the `edifact` package (node-edifact 1.2.x, CommonJS, untyped) this
 * connector uses. Only `tokenize.ts` imports it (STYLE.md: libraries at the edges).
 */
declare module 'edifact/parser.js' {
  /** Delimiters as character codes; a missing one falls back to the ISO 9735 default. */
  interface ParserConfig {
    segmentTerminator?: number;
    dataElementSeparator?: number;
    componentDataSeparator?: number;
    decimalMark?: number;
    releaseCharacter?: number;
  }

  /** SAX-like parser: the `on...` hooks may be overridden on the instance (no event emitter cost). */
  class Parser {
    constructor(validator?: unknown, config?: ParserConfig);
    configure(config: ParserConfig): void;
    /** Character repertoire level: UNOA, UNOB, UNOC, UNOY or UCS2; throws for any other name. */
    encoding(level: string): void;
    /** Throws an Error on a character the repertoire or the syntax does not allow. */
    write(chunk: string): void;
    end(): void;
    onopensegment(segment: string): void;
    onelement(): void;
    oncomponent(data: string): void;
    onclosesegment(): void;
  }

  export = Parser;
}

declare module 'edifact/tokenizer.js' {
  /** Builds the data regex from the charset's [start, end) code ranges minus the delimiter codes. */
  const Tokenizer: { compile(ranges: number[][], exclude: number[]): RegExp };
  export = Tokenizer;
}

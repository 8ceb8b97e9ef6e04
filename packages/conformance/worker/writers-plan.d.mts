export declare function writerKey(mode: string, writer: number, i: number): Uint8Array;
export declare function writerValue(key: Uint8Array, pad?: number): Uint8Array;
export declare function spells(key: Uint8Array, value: Uint8Array): boolean;
export declare const dupSeq: (i: number) => number;

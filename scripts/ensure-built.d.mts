export declare const root: string;
export declare const cliPath: string;
export declare function staleReason(options?: { types?: boolean }): string | undefined;
export declare function ensureBuilt(options?: { types?: boolean; log?: (line: string) => void }): void;

export declare const root: string;
export declare const cliPath: string;
export declare function staleReason(): string | undefined;
export declare function ensureBuilt(log?: (line: string) => void): void;

export declare const MLFLOW_VERSION: string;
export declare const venvDir: string;
export declare const venvPython: string;
export declare function ensureMlflow(): void;
export declare function freePort(): Promise<number>;
export interface MlflowServer {
  uri: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}
export declare function startMlflowServer(options?: {
  timeoutMs?: number;
  extraArgs?: string[];
}): Promise<MlflowServer>;

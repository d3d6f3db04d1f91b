export interface SoakOptions {
  clients?: number;
  pointsPerSecond?: number;
  seconds?: number;
  pointsPerPost?: number;
  producers?: number;
  trials?: number;
  log?: (line: string) => void;
}
export interface SoakReport {
  clients: number;
  seconds: number;
  pointsPosted: number;
  pointsPerSecond: number;
  events: number;
  behind: number;
  missed: number;
  duplicates: number;
  errors: string[];
  snapshots: number;
  connections: number;
  turnedAway: number;
  postRoundTripMaxMs: number;
  server: {
    /** After the embedded database loaded, before any client or write. */
    baselineRssMiB: number;
    peakRssMiB: number;
    rssGrowthMiB: number;
    peakHeapMiB: number;
    writes: number;
    writeMaxMs: number;
    writeP99Ms: number;
    loopDelayMaxMs: number;
  };
}
export declare function runSoak(options?: SoakOptions): Promise<SoakReport>;

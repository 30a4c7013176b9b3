export declare const cliNodeFlags: readonly string[];
export declare const cliThreadPoolSize: string;
export declare const cliEnvironment: (env?: NodeJS.ProcessEnv) => NodeJS.ProcessEnv;

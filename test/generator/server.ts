/** The project's server started as `npm run dev` starts it (tsx on src/main.ts), in a process of its own. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Server {
  base: string;
  stop(): Promise<void>;
}

/** Starts src/main.ts in `dir` on a free port and waits until /health/ready answers 200. */
export async function startServer(dir: string, env: NodeJS.ProcessEnv, within = 90_000): Promise<Server> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: dir,
    env: { ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not listen within ${within} ms:\n${output}`)), within);
    const onData = (d: Buffer) => {
      output += d.toString();
      const line = output.split('\n').find((l) => l.includes('"listening on'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + within;
  for (;;) {
    const ready = await fetch(`${base}/health/ready`).then((r) => r.status === 200, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`server not ready within ${within} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { base, stop };
}

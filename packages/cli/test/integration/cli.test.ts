import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli.js';

const COMMANDS = ['listen', 'trigger', 'simulate', 'verify', 'sign', 'secret', 'events', 'relay'];

describe('hookline', () => {
  it('lists every command in --help and prints --version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('has --help with examples on every command', async () => {
    for (const command of COMMANDS.filter((name) => name !== 'relay')) {
      const result = await runCli([command, '--help']);
      expect(result.code, command).toBe(0);
      expect(result.stdout, command).toContain('Examples:');
      expect(result.stdout, command).toContain(`hookline ${command}`);
    }
  });

  it('rejects an unknown command or flag with exit 2 and a suggestion', async () => {
    const command = await runCli(['simulat']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('did you mean simulate');
    const flag = await runCli(['events', '--jsn']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("Unknown option '--jsn'");
  });

  it('generates a 32-byte whsec_ key', async () => {
    const result = await runCli(['secret', 'generate']);
    expect(result.code).toBe(0);
    const key = result.stdout.trim();
    expect(key).toMatch(/^whsec_/);
    expect(Buffer.from(key.slice(6), 'base64')).toHaveLength(32);
  });

  it('lists the catalogue, as a table and as JSON', async () => {
    const table = await runCli(['events', 'vault_credential']);
    expect(table.stdout).toContain('vault_credential.refresh_failed');
    expect(table.stdout).toContain('+vault_id');
    const json = JSON.parse((await runCli(['events', '--json'])).stdout);
    expect(json.map((row: { type: string }) => row.type)).toContain('session.status_idled');
    expect(json.find((row: { type: string }) => row.type === 'session.thread_created').extra).toEqual({
      session_thread_id: 'session thread',
    });
  });

  it('dispatches relay to @hookline/relay (or says it is not built)', async () => {
    const result = await runCli(['relay', '--help']);
    if (result.stderr.includes('the relay is not built in this version')) {
      expect(result.code).toBe(2);
    } else {
      // The relay owns its output; what matters here is that the arguments reached it.
      expect(result.stderr).not.toContain('unknown command');
    }
  });
});

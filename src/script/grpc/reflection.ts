/**
 * gRPC server reflection for `connect(addr, { reflect: true })`: asks the server's reflection
 * service (grpc.reflection.v1, falling back to v1alpha) for its services and the descriptor files
 * that define them, dependencies included, and turns them into a package definition as
 * `load()` does. The reflection messages are small and fixed, so they are encoded and decoded
 * here on protobuf's wire format instead of shipping their .proto file.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const PATHS = [
  '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
  '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
];

/** One field of a decoded message: its number and its bytes (length-delimited) or number. */
interface WireField {
  field: number;
  bytes?: Buffer;
  value?: number;
}

function varint(value: number): Buffer {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}

/** A length-delimited field (strings, bytes, messages). */
export function lengthDelimited(field: number, payload: Buffer): Buffer {
  return Buffer.concat([varint((field << 3) | 2), varint(payload.length), payload]);
}

/** Decodes the top-level fields of a protobuf message. */
export function decodeFields(buffer: Buffer): WireField[] {
  const fields: WireField[] = [];
  let at = 0;
  const readVarint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = buffer[at++];
      if (byte === undefined) throw new Error('truncated protobuf message');
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
      shift += 7;
    }
  };
  while (at < buffer.length) {
    const tag = readVarint();
    const field = Math.floor(tag / 8);
    switch (tag & 7) {
      case 0:
        fields.push({ field, value: readVarint() });
        break;
      case 1:
        at += 8;
        break;
      case 2: {
        const length = readVarint();
        fields.push({ field, bytes: buffer.subarray(at, at + length) });
        at += length;
        break;
      }
      case 5:
        at += 4;
        break;
      default:
        throw new Error(`unsupported protobuf wire type ${tag & 7}`);
    }
  }
  return fields;
}

/** A reflection request: list_services (7), file_by_filename (3) or file_containing_symbol (4). */
function request(kind: 'list' | 'file' | 'symbol', value = ''): Buffer {
  const field = kind === 'list' ? 7 : kind === 'file' ? 3 : 4;
  return lengthDelimited(field, Buffer.from(value));
}

/** What one reflection response carries. */
interface ReflectionAnswer {
  services: string[];
  files: Buffer[];
  error?: string;
}

function decodeAnswer(buffer: Buffer): ReflectionAnswer {
  const answer: ReflectionAnswer = { services: [], files: [] };
  for (const f of decodeFields(buffer)) {
    if (!f.bytes) continue;
    if (f.field === 4) {
      for (const g of decodeFields(f.bytes))
        if (g.field === 1 && g.bytes) answer.files.push(g.bytes);
    } else if (f.field === 6) {
      for (const s of decodeFields(f.bytes)) {
        if (s.field !== 1 || !s.bytes) continue;
        const name = decodeFields(s.bytes).find((n) => n.field === 1)?.bytes;
        if (name) answer.services.push(name.toString());
      }
    } else if (f.field === 7) {
      const message = decodeFields(f.bytes).find((e) => e.field === 2)?.bytes;
      answer.error = message?.toString() ?? 'reflection error';
    }
  }
  return answer;
}

/** Name (1) and dependencies (3) of a FileDescriptorProto. */
function fileFacts(bytes: Buffer): { name: string; dependencies: string[] } {
  let name = '';
  const dependencies: string[] = [];
  for (const f of decodeFields(bytes)) {
    if (f.field === 1 && f.bytes) name = f.bytes.toString();
    else if (f.field === 3 && f.bytes) dependencies.push(f.bytes.toString());
  }
  return { name, dependencies };
}

/** A reflection conversation: one request, one answer, in order. */
class Conversation {
  readonly #call: grpc.ClientDuplexStream<Buffer, Buffer>;
  readonly #waiting: Array<{ resolve: (b: Buffer) => void; reject: (e: Error) => void }> = [];
  #failure: Error | undefined;

  constructor(client: grpc.Client, path: string, deadline: number, metadata: grpc.Metadata) {
    this.#call = client.makeBidiStreamRequest<Buffer, Buffer>(
      path,
      (b) => b,
      (b) => b,
      metadata,
      { deadline },
    );
    this.#call.on('data', (b: Buffer) => this.#waiting.shift()?.resolve(b));
    this.#call.on('error', (error: grpc.ServiceError) => {
      this.#failure = error;
      for (const w of this.#waiting.splice(0)) w.reject(error);
    });
  }

  ask(message: Buffer): Promise<ReflectionAnswer> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise<Buffer>((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#call.write(message);
    }).then(decodeAnswer);
  }

  end(): void {
    this.#call.end();
  }

  cancel(): void {
    this.#call.cancel();
  }
}

/**
 * Asks `client`'s server for its services; resolves with their package definition. `metadata`
 * goes with the reflection requests (k6's `reflectMetadata`, e.g. an auth token).
 */
export async function reflectServices(
  client: grpc.Client,
  options: protoLoader.Options,
  timeoutMs: number,
  signal: AbortSignal,
  metadata: grpc.Metadata = new grpc.Metadata(),
): Promise<protoLoader.PackageDefinition> {
  let lastError: unknown;
  for (const path of PATHS) {
    const conversation = new Conversation(client, path, Date.now() + timeoutMs, metadata);
    const onAbort = (): void => conversation.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const files = await collectFiles(conversation);
      conversation.end();
      const set = Buffer.concat(files.map((bytes) => lengthDelimited(1, bytes)));
      return protoLoader.loadFileDescriptorSetFromBuffer(set, options);
    } catch (error) {
      conversation.cancel();
      lastError = error;
      if ((error as grpc.ServiceError).code !== grpc.status.UNIMPLEMENTED) break;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
  const message = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`server reflection failed: ${message}`);
}

/** Every descriptor file the services need, dependencies before their dependents. */
async function collectFiles(conversation: Conversation): Promise<Buffer[]> {
  const listed = await conversation.ask(request('list'));
  if (listed.error) throw new Error(listed.error);
  const byName = new Map<string, { bytes: Buffer; dependencies: string[] }>();
  const add = (answer: ReflectionAnswer): void => {
    if (answer.error) throw new Error(answer.error);
    for (const bytes of answer.files) {
      const facts = fileFacts(bytes);
      if (!byName.has(facts.name))
        byName.set(facts.name, { bytes, dependencies: facts.dependencies });
    }
  };
  for (const service of listed.services) {
    if (service.startsWith('grpc.reflection.')) continue;
    add(await conversation.ask(request('symbol', service)));
  }
  for (let missing = missingFiles(byName); missing.length > 0; missing = missingFiles(byName)) {
    for (const name of missing) add(await conversation.ask(request('file', name)));
  }
  const ordered: Buffer[] = [];
  const done = new Set<string>();
  const visit = (name: string): void => {
    if (done.has(name)) return;
    done.add(name);
    const file = byName.get(name);
    if (!file) return;
    for (const dep of file.dependencies) visit(dep);
    ordered.push(file.bytes);
  };
  for (const name of byName.keys()) visit(name);
  return ordered;
}

function missingFiles(byName: Map<string, { dependencies: string[] }>): string[] {
  const missing = new Set<string>();
  for (const file of byName.values()) {
    for (const dep of file.dependencies) if (!byName.has(dep)) missing.add(dep);
  }
  return [...missing];
}

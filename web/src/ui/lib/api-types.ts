// Generated from common/src/main/resources/openapi.yaml by ApiTypesTest: do not edit.
// After changing the document: mvn -pl scheduler -am test -Dtest=ApiTypesTest -Dpier.writeApiTypes=true

export interface ErrorBody {
  /** A stable code, such as unknown_repl. */
  error: string;
  /** What went wrong, for people. */
  message: string;
}

export interface Caller {
  username: string;
  admin: boolean;
  /** The id of the API key the call carried (GET /api/auth/me). */
  apiKey?: string | null;
}

/** What went with a deleted account. */
export interface AccountDeleted {
  username: string;
  deleted: boolean;
  apiKeysRevoked: number;
  replsDeleted: number;
}

/** An API key as its owner sees it, never with its secret. */
export interface ApiKey {
  id: string;
  name: string;
  owner: string;
  createdAt: string;
  expiresAt: string | null;
  expired: boolean;
  /** To the minute. */
  lastUsedAt: string | null;
}

export type NewApiKey = ApiKey & {
  /** pier_<id>_<secret>; send it as Authorization: Bearer. */
  key: string;
  /** The same key in the form the E2B SDKs accept (e2b_<hex>): E2B_API_KEY (docs/e2b.md). */
  e2bKey: string;
};

/** A template a repl is made from (its pier.json). */
export interface Template {
  name: string;
  title: string;
  description?: string | null;
  /** The runner image its repls run in. */
  image: string;
  /** Run before each run, such as npm install. */
  install?: string | null;
  run: string;
  mode: 'web' | 'console';
  /** Where a web template's app listens; null for a console one. */
  port?: number | null;
  /** The file the IDE opens first. */
  open?: string | null;
  runtime?: string | null;
  limits: Limits;
}

export type ReplState = 'creating' | 'stopped' | 'starting' | 'running' | 'stopping' | 'failed';

/** Who may open a repl's preview: anyone with the link, or only its owner, signed in. */
export type Visibility = 'public' | 'private';

/** What the caller may do with a repl: owner everything; editor write, run, type and exec; viewer only look. */
export type ReplRole = 'owner' | 'editor' | 'viewer';

export type CollaboratorRole = 'editor' | 'viewer';

export interface Collaborator {
  account: string;
  role: CollaboratorRole;
}

export interface Collaborators {
  owner: string;
  collaborators: Collaborator[];
}

export type OnTimeout = 'stop' | 'delete';

export type Labels = Record<string, string>;

export interface NewRepl {
  template: string;
  visibility?: Visibility;
  labels?: Labels;
  timeoutS?: number;
  onTimeout?: OnTimeout;
  title?: Title;
  description?: Description;
}

/** What its owner calls the repl: at most 80 characters on one line, trimmed; blank or null: none (400 invalid_title otherwise). */
export type Title = string | null;

/** What the repl is: at most 500 characters, line breaks allowed, trimmed; blank or null: none (400 invalid_description otherwise). */
export type Description = string | null;

export interface Limits {
  cpus: number;
  memoryMb: number;
  pids: number;
  diskMb?: number;
  runtime?: string;
}

export interface Lifetime {
  timeoutS: number;
  deadline: string;
  onTimeout: OnTimeout;
}

export interface Repl {
  slug: string;
  template: string;
  owner: string;
  state: ReplState;
  /** The node that runs it; only administrators (and Pier's services) are told. */
  node?: string | null;
  createdAt: string;
  /** When it was last started, stopped or used (an IDE session, an owner's API call on it); moved at most once a minute. */
  lastActiveAt: string;
  limits: Limits;
  visibility: Visibility;
  labels: Labels;
  lifetime?: Lifetime | null;
  previewUrl: string;
  ideUrl: string;
  title?: string | null;
  description?: string | null;
  /** The accounts the owner shared it with. */
  collaborators?: Collaborator[];
  role?: ReplRole;
  /** Whether any signed-in account may fork it (its fork link), not only those it is shared with. */
  forkable?: boolean;
}

export interface ForkCard {
  slug: string;
  title?: string | null;
  description?: string | null;
  template: string;
  owner: string;
  forkable: boolean;
}

export interface EnvVar {
  name: string;
  secret: boolean;
  updatedAt: string;
  /** A plain variable's value; never a secret's. */
  value?: string;
}

/** An account as administrators see it (GET /api/accounts). */
export interface AccountUsage {
  username: string;
  admin: boolean;
  /** PIER_ADMINS lists the name: it stays an administrator whatever its flag says. */
  listedInPierAdmins: boolean;
  createdAt: string;
  /** Repls it owns. */
  repls: number;
  /** Of those, running or starting (what the cap on running repls counts). */
  running: number;
}

/** A node-agent as it last reported itself (GET /api/nodes). */
export interface Node {
  id: string;
  agentUrl: string;
  capacity: {
  slots: number;
  memoryMb: number;
  cpus: number;
};
  load: {
  repls: number;
  reservedMemoryMb: number;
  /** CPUs in use */
  cpuUsage: number;
  memoryUsedMb: number;
  slugs: string[];
  pooledMemoryMb?: number;
};
  draining: boolean;
  images: string[];
  heartbeatAt: string;
  memberId?: string | null;
  /** Container runtimes a repl may ask for here (runsc: gVisor). */
  runtimes: string[];
  /** Its agent is still a member of the cluster. */
  alive: boolean;
}

/** The fleet signal (GET /api/fleet), and whether the cluster may lose a member now. */
export interface Fleet {
  nodes: number;
  /** Nodes that are alive and not draining. */
  activeNodes: number;
  capacity: {
  slots: number;
  memoryMb: number;
  cpus: number;
};
  used: {
  repls: number;
  reservedMemoryMb: number;
  cpus: number;
};
  utilisation: number;
  targetUtilisation: number;
  desiredNodes: number;
  scaleOut: boolean;
  rule: string;
  cluster: {
  members: number;
  safe: boolean;
};
}

/**
 * A module's name and the identifiers derived from it. The kebab-case name is the module's
 * everywhere a string is enough (folder, definition, routes, event types); code needs camelCase
 * and PascalCase, Postgres a snake_case schema, the environment an UPPER_SNAKE prefix.
 */

export interface ModuleNames {
  /** `loyalty-points`: folder, definition name, mount path, event type prefix. */
  kebab: string;
  /** `loyaltyPoints`: the module's exported identifiers (`loyaltyPointsModule`, `loyaltyPointsApi`). */
  camel: string;
  /** `LoyaltyPoints`: OpenAPI component names and types. */
  pascal: string;
  /** `loyalty_points`: its Postgres schema. */
  snake: string;
  /** `LOYALTY_POINTS`: the prefix of its settings' environment variables. */
  upper: string;
}

export function namesOf(kebab: string): ModuleNames {
  const words = kebab.split('-');
  const capital = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
  return {
    kebab,
    camel: words[0] + words.slice(1).map(capital).join(''),
    pascal: words.map(capital).join(''),
    snake: words.join('_'),
    upper: words.join('_').toUpperCase(),
  };
}

/**
 * The kernel keeps its migration bookkeeping in `drizzle.<name>_migrations`, and Postgres cuts
 * identifiers at 63 characters: a longer name would collide silently.
 */
export const MAX_NAME_LENGTH = 40;

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Names a module may not take, and why: what already uses them. */
const RESERVED: Readonly<Record<string, string>> = {
  public: "Postgres' default schema",
  information_schema: "Postgres' catalog schema",
  drizzle: "the migration tool, whose name the kernel's migration bookkeeping schema carries",
  'drizzle-kit': 'the migration tool',
  admin: "the kernel's operator routes under /api/admin",
  operations: "the kernel's tag in the OpenAPI document (health, metrics, dead letters)",
};

export interface NameRefusal {
  /** Which rule the name breaks, in a word: kebab-case | length | reserved | taken. */
  rule: 'kebab-case' | 'length' | 'reserved' | 'taken';
  message: string;
}

/**
 * Checks a wanted name against the rules; `existing` are the names of the modules already there
 * (folders and composition-root entries), whose derived identifiers must stay distinct too.
 */
export function refuseName(name: string, existing: readonly string[]): NameRefusal | undefined {
  if (!KEBAB.test(name)) {
    return {
      rule: 'kebab-case',
      message: `"${name}" is not kebab-case: a module name is lowercase letters and digits, words joined by single hyphens, starting with a letter (e.g. loyalty-points)`,
    };
  }
  if (name.length > MAX_NAME_LENGTH) {
    return { rule: 'length', message: `"${name}" is too long: a module name has at most ${MAX_NAME_LENGTH} characters (Postgres identifiers stop at 63)` };
  }
  const { snake, camel } = namesOf(name);
  const reason = RESERVED[name] ?? RESERVED[snake];
  if (reason) return { rule: 'reserved', message: `"${name}" is reserved: it is ${reason}` };
  if (snake.startsWith('pg_')) return { rule: 'reserved', message: `"${name}" is reserved: Postgres keeps schemas named pg_* for itself` };
  if (existing.includes(name)) return { rule: 'taken', message: `"${name}" is taken: a module of that name already exists (src/modules/${name})` };
  const twin = existing.find((other) => namesOf(other).camel === camel || namesOf(other).snake === snake);
  if (twin) return { rule: 'taken', message: `"${name}" is taken: its identifiers (${camel}, ${snake}) are those of the existing module ${twin}` };
  return undefined;
}

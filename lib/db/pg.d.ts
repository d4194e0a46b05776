/**
 * The part of node-postgres (`pg`, installed with @prisma/adapter-pg) this app uses directly, which
 * ships no types of its own (@types/pg is not a dependency). Replace with @types/pg if it becomes one.
 */
declare module "pg" {
  export interface QueryField {
    name: string;
    dataTypeID: number;
  }
  export interface QueryResult<Row = unknown> {
    rows: Row[];
    fields: QueryField[];
    rowCount: number | null;
  }
  export interface ClientConfig {
    connectionString?: string;
  }
  export interface PoolConfig extends ClientConfig {
    /** Connections at most. */
    max?: number;
    /** The client class the pool makes its connections with. */
    Client?: typeof Client;
  }
  export class Client {
    constructor(config?: ClientConfig);
    connect(): Promise<void>;
    query<Row = unknown>(text: string, values?: unknown[]): Promise<QueryResult<Row>>;
    end(): Promise<void>;
  }
  export class Pool {
    constructor(config?: PoolConfig);
    query<Row = unknown>(text: string, values?: unknown[]): Promise<QueryResult<Row>>;
    end(): Promise<void>;
  }
  const pg: { Client: typeof Client; Pool: typeof Pool };
  export default pg;
}

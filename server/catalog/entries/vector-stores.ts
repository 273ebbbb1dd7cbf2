/** Vector stores and the database clients they are given. A store's target comes from the client it holds. */
import type { CatalogEntry } from '../types.js';

const FACTORIES = ['fromDocuments', 'fromTexts', 'fromExistingIndex', 'fromExistingCollection', 'initialize'];

export const VECTOR_STORE_ENTRIES: CatalogEntry[] = [
  {
    id: 'pinecone.store', title: 'Pinecone vector store', kind: 'vector_store', provider: 'pinecone',
    js: [{ module: '@langchain/pinecone', exports: ['PineconeStore'], statics: FACTORIES }],
    python: [{ module: 'langchain_pinecone', name: 'PineconeVectorStore' }],
    endpoint: { from: ['*.pineconeIndex'], default: 'https://api.pinecone.io', gatewaySuffix: '' },
    operation: { kind: 'http', method: 'POST', path: '/query' },
  },
  {
    id: 'pinecone.client', title: 'Pinecone client', kind: 'vector_store', provider: 'pinecone',
    js: [{ module: '@pinecone-database/pinecone', exports: ['Pinecone'] }],
    python: [{ module: 'pinecone', name: 'Pinecone' }],
    endpoint: { from: ['0.controllerHostUrl'], default: 'https://api.pinecone.io', fixProperty: 'controllerHostUrl', gatewaySuffix: '' },
    credential: { from: ['0.apiKey'], env: ['PINECONE_API_KEY'] },
    operation: { kind: 'http', method: 'POST', path: '/query' },
  },
  {
    id: 'supabase.store', title: 'Supabase vector store', kind: 'vector_store', provider: 'supabase',
    js: [{ module: '@langchain/community/vectorstores/supabase', exports: ['SupabaseVectorStore'], statics: FACTORIES }],
    python: [{ module: 'langchain_community.vectorstores', name: 'SupabaseVectorStore' }],
    endpoint: { from: ['*.client'] },
    operation: { kind: 'http', method: 'POST', path: '/rest/v1/rpc/match_documents' },
  },
  {
    id: 'supabase.client', title: 'Supabase client', kind: 'vector_store', provider: 'supabase',
    js: [{ module: '@supabase/supabase-js', exports: ['createClient'] }],
    python: [{ module: 'supabase', name: 'create_client' }],
    endpoint: { from: ['0'], env: ['SUPABASE_URL'] },
    credential: { from: ['1'], env: ['SUPABASE_SERVICE_ROLE_KEY', 'SUPABASE_ANON_KEY'] },
    operation: { kind: 'http', method: 'POST', path: '/rest/v1/rpc/match_documents' },
  },
  {
    id: 'qdrant.store', title: 'Qdrant vector store', kind: 'vector_store', provider: 'qdrant',
    js: [{ module: '@langchain/qdrant', exports: ['QdrantVectorStore'], statics: FACTORIES }],
    python: [{ module: 'langchain_qdrant', name: 'QdrantVectorStore' }],
    endpoint: { from: ['*.url', '*.client'], env: ['QDRANT_URL'], default: 'http://127.0.0.1:6333', fixProperty: 'url', gatewaySuffix: '' },
    credential: { from: ['*.apiKey'], env: ['QDRANT_API_KEY'] },
    operation: { kind: 'http', method: 'POST', path: '/collections/documents/points/search' },
  },
  {
    id: 'qdrant.client', title: 'Qdrant client', kind: 'vector_store', provider: 'qdrant',
    js: [{ module: '@qdrant/js-client-rest', exports: ['QdrantClient'] }],
    python: [{ module: 'qdrant_client', name: 'QdrantClient' }],
    endpoint: { from: ['0.url'], default: 'http://127.0.0.1:6333', fixProperty: 'url', gatewaySuffix: '' },
    credential: { from: ['0.apiKey'], env: ['QDRANT_API_KEY'] },
    operation: { kind: 'http', method: 'POST', path: '/collections/documents/points/search' },
  },
  {
    id: 'weaviate.store', title: 'Weaviate vector store', kind: 'vector_store', provider: 'weaviate',
    js: [{ module: '@langchain/weaviate', exports: ['WeaviateStore'], statics: FACTORIES }],
    python: [{ module: 'langchain_weaviate', name: 'WeaviateVectorStore' }],
    endpoint: { from: ['*.client'] },
    operation: { kind: 'http', method: 'POST', path: '/v1/graphql' },
  },
  {
    id: 'weaviate.client', title: 'Weaviate client', kind: 'vector_store', provider: 'weaviate',
    js: [{ module: 'weaviate-client', exports: ['default.connectToWeaviateCloud', 'connectToWeaviateCloud', 'default.connectToCustom', 'connectToCustom'] }],
    python: [{ module: 'weaviate', name: 'connect_to_weaviate_cloud' }],
    endpoint: { from: ['0', '0.httpHost'], env: ['WEAVIATE_URL'] },
    credential: { from: ['1.authCredentials'], env: ['WEAVIATE_API_KEY'] },
    operation: { kind: 'http', method: 'POST', path: '/v1/graphql' },
  },
  {
    id: 'chroma.store', title: 'Chroma vector store', kind: 'vector_store', provider: 'chroma',
    js: [{ module: '@langchain/community/vectorstores/chroma', exports: ['Chroma'], statics: FACTORIES }],
    python: [{ module: 'langchain_chroma', name: 'Chroma' }],
    endpoint: { from: ['*.url', '*.index'], env: ['CHROMA_URL'], default: 'http://127.0.0.1:8000', fixProperty: 'url', gatewaySuffix: '' },
    operation: { kind: 'http', method: 'POST', path: '/api/v1/collections/documents/query' },
  },
  {
    id: 'pgvector.store', title: 'PGVector store', kind: 'vector_store', provider: 'postgres',
    js: [{ module: '@langchain/community/vectorstores/pgvector', exports: ['PGVectorStore'], statics: FACTORIES }],
    python: [{ module: 'langchain_postgres', name: 'PGVector' }],
    endpoint: {
      from: ['*.postgresConnectionOptions.connectionString', '*.pool'],
      fields: { host: ['*.postgresConnectionOptions.host'], port: ['*.postgresConnectionOptions.port'], database: ['*.postgresConnectionOptions.database'], user: ['*.postgresConnectionOptions.user'] },
      env: ['PGHOST'], scheme: 'postgres', defaultPort: 5432,
    },
    operation: { kind: 'sql', class: 'read' },
  },
  {
    id: 'redis.store', title: 'Redis vector store', kind: 'vector_store', provider: 'redis',
    js: [{ module: '@langchain/redis', exports: ['RedisVectorStore'], statics: FACTORIES }],
    python: [{ module: 'langchain_redis', name: 'RedisVectorStore' }],
    endpoint: { from: ['*.redisClient'], default: 'redis://127.0.0.1:6379' },
  },
  {
    id: 'redis.client', title: 'Redis client', kind: 'vector_store', provider: 'redis',
    js: [{ module: 'redis', exports: ['createClient'] }],
    python: [{ module: 'redis', name: 'Redis' }],
    endpoint: { from: ['0.url'], env: ['REDIS_URL'], default: 'redis://127.0.0.1:6379' },
    credential: { from: ['0.password'] },
  },
  {
    id: 'mongodb.store', title: 'MongoDB Atlas vector search', kind: 'vector_store', provider: 'mongodb',
    js: [{ module: '@langchain/mongodb', exports: ['MongoDBAtlasVectorSearch'], statics: FACTORIES }],
    python: [{ module: 'langchain_mongodb', name: 'MongoDBAtlasVectorSearch' }],
    endpoint: { from: ['*.collection'] },
  },
  {
    id: 'mongodb.client', title: 'MongoDB client', kind: 'vector_store', provider: 'mongodb',
    js: [{ module: 'mongodb', exports: ['MongoClient'] }],
    python: [{ module: 'pymongo', name: 'MongoClient' }],
    endpoint: { from: ['0'], env: ['MONGODB_ATLAS_URI', 'MONGODB_URI'] },
  },
];

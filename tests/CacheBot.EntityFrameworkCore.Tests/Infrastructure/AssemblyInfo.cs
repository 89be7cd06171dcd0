// The PostgreSQL server is shared (max_connections 100) with the other test assemblies that run at the same time: test
// classes here run one at a time, and each database's pool is small and cleared on dispose.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

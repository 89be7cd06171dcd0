Console.WriteLine("CacheBot benchmarks: work in progress");

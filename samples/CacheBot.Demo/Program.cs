Console.WriteLine("CacheBot demo: work in progress");

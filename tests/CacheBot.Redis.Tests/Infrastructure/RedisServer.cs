using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace CacheBot.Redis.Tests.Infrastructure;

/// <summary>
/// A redis-server started by a test on a free loopback port, without persistence (<c>--save "" --appendonly no</c>),
/// with DEBUG enabled: killed, restarted, paused and flushed by fault tests. Stopped on dispose.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly string[] _extra;
    private readonly string _directory;
    private Process? _process;
    private ConnectionMultiplexer? _admin;

    private RedisServer(int port, string[] extra)
    {
        Port = port;
        _extra = extra;
        _directory = Directory.CreateTempSubdirectory("cachebot-redis-").FullName;
    }

    public static string? BinaryPath { get; } = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    public static RedisServer Start(params string[] extra)
    {
        TestRedis.RequireServerBinary();
        var server = new RedisServer(FreePort(), extra);
        server.Launch();
        return server;
    }

    /// <summary>An admin connection (FLUSHALL, CLIENT PAUSE/KILL, DEBUG).</summary>
    public IServer Admin
    {
        get
        {
            _admin ??= ConnectionMultiplexer.Connect(new ConfigurationOptions
            {
                EndPoints = { Configuration },
                AllowAdmin = true,
                AbortOnConnectFail = false,
                ClientName = "test-admin",
                ConnectTimeout = 2000,
            });
            return _admin.GetServer(Configuration);
        }
    }

    public void Launch()
    {
        var arguments = new List<string>
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--enable-debug-command", "local", "--dir", _directory, "--logfile", Path.Combine(_directory, "redis.log"),
        };
        arguments.AddRange(_extra);
        var start = new ProcessStartInfo(BinaryPath!) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        _process = Process.Start(start)!;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                if (_process.HasExited)
                {
                    // Another instance took the port (tests run in parallel): this one could not bind.
                    throw new InvalidOperationException("redis-server exited at start on port " + Port + ": " + File.ReadAllText(Path.Combine(_directory, "redis.log")));
                }

                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(20);
            }
        }

        throw new InvalidOperationException("redis-server did not start on port " + Port);
    }

    /// <summary>kill -9: the data is gone (no persistence), connections drop.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit();
        }

        _process = null;
    }

    public void Restart()
    {
        Kill();
        Launch();
    }

    /// <summary>The file a restart reloads (written by SAVE).</summary>
    public string DumpFile => Path.Combine(_directory, "dump.rdb");

    /// <summary>Kills every connection whose client name is <paramref name="name"/> (CLIENT KILL ID, 7.0 cannot filter by name).</summary>
    public int KillClients(string name)
    {
        var killed = 0;
        foreach (var client in Admin.ClientList())
        {
            if (client.Name == name)
            {
                Admin.Execute("CLIENT", "KILL", "ID", client.Id);
                killed++;
            }
        }

        return killed;
    }

    public void Dispose()
    {
        _admin?.Dispose();
        Kill();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

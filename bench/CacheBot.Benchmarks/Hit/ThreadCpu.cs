using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CacheBot.Benchmarks.Hit;

/// <summary>The CPU time of the calling thread (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>; wall time elsewhere).</summary>
internal static class ThreadCpu
{
    private const int ClockThreadCpuTime = 3;

    public static TimeSpan Now()
    {
        if (!OperatingSystem.IsLinux())
        {
            return Stopwatch.GetElapsedTime(0);
        }

        _ = ClockGetTime(ClockThreadCpuTime, out var spec);
        return TimeSpan.FromTicks((spec.Seconds * TimeSpan.TicksPerSecond) + (spec.Nanoseconds / 100));
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code, which the benchmark project does not allow for one call
    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec spec);
#pragma warning restore SYSLIB1054

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}

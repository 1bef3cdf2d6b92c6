using System.Runtime.InteropServices;

namespace Phoenix.Protocol.Benchmarks;

/// <summary>
/// CPU time consumed by this process (all threads), from <c>clock_gettime(CLOCK_PROCESS_CPUTIME_ID)</c> on Linux.
/// On a shared machine wall-clock time includes the time other processes hold the cores; CPU time does not,
/// so paired ratios of CPU time are far steadier. Falls back to <see cref="Environment.CpuUsage"/> elsewhere.
/// </summary>
internal static partial class CpuClock
{
    private const int ClockProcessCpuTimeId = 2;

    public static double NowMs()
    {
        if (OperatingSystem.IsLinux() && clock_gettime(ClockProcessCpuTimeId, out var ts) == 0)
        {
            return (ts.Seconds * 1e3) + (ts.Nanoseconds / 1e6);
        }

        return Environment.CpuUsage.TotalTime.TotalMilliseconds;
    }

    [LibraryImport("libc", SetLastError = false)]
    private static partial int clock_gettime(int clockId, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}

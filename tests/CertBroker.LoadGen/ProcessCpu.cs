using System.Diagnostics;
using System.Globalization;

namespace CertBroker.LoadGen;

/// <summary>CPU time a process has used, read from Linux's /proc/PID/stat (proc(5)).</summary>
public static class ProcessCpu
{
    private static readonly Lazy<long> TicksPerSecond = new(ReadClockTicks);

    /// <summary>Clock ticks per second that /proc counts in, from <c>getconf CLK_TCK</c> (100 on Linux unless it says otherwise).</summary>
    public static long ClockTicksPerSecond => TicksPerSecond.Value;

    public static bool Exists(int pid) => File.Exists(StatPath(pid));

    /// <summary>utime + stime of <paramref name="pid"/>, all its threads, in clock ticks.</summary>
    public static long ReadTicks(int pid) => ParseTicks(File.ReadAllText(StatPath(pid)));

    /// <summary>CPU time for a number of ticks.</summary>
    public static TimeSpan ToTime(long ticks) => TimeSpan.FromSeconds((double)ticks / ClockTicksPerSecond);

    /// <summary>
    /// utime (field 14) + stime (field 15) of a stat line. The command name (field 2) is in parentheses and may hold
    /// spaces and parentheses itself, so fields are counted from the last ')'.
    /// </summary>
    public static long ParseTicks(string stat)
    {
        int end = stat.LastIndexOf(')');
        if (end < 0)
        {
            throw new FormatException("Not a /proc/PID/stat line: no ')' after the command name.");
        }

        // After ")": field 3 (state) is at index 0, so field N is at index N - 3.
        string[] fields = stat[(end + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 13)
        {
            throw new FormatException($"/proc/PID/stat line has {fields.Length + 2} fields, expected at least 15.");
        }

        return long.Parse(fields[14 - 3], CultureInfo.InvariantCulture) + long.Parse(fields[15 - 3], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Busy clock ticks of the whole machine, all cores, from the first line of /proc/stat (user, nice, system, irq,
    /// softirq, steal; not idle or iowait); null where there is no /proc/stat.
    /// </summary>
    public static long? ReadMachineBusyTicks()
    {
        if (!File.Exists("/proc/stat"))
        {
            return null;
        }

        using var reader = new StreamReader("/proc/stat");
        string[] fields = (reader.ReadLine() ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 9 || fields[0] != "cpu")
        {
            return null;
        }

        // cpu user nice system idle iowait irq softirq steal ...
        int[] busy = [1, 2, 3, 6, 7, 8];
        return busy.Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture));
    }

    private static string StatPath(int pid) => $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat";

    private static long ReadClockTicks()
    {
        try
        {
            using var getconf = Process.Start(new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true, UseShellExecute = false });
            if (getconf is not null)
            {
                string output = getconf.StandardOutput.ReadToEnd();
                getconf.WaitForExit();
                if (getconf.ExitCode == 0 && long.TryParse(output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long ticks) && ticks > 0)
                {
                    return ticks;
                }
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No getconf: fall back to USER_HZ, which is 100 on every Linux architecture .NET runs on.
        }

        return 100;
    }
}

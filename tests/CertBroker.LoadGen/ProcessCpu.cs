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

    /// <summary>utime (field 14) + stime (field 15) of a stat line.</summary>
    public static long ParseTicks(string stat)
    {
        string[] fields = Fields(stat);
        return Field(fields, 14) + Field(fields, 15);
    }

    /// <summary>
    /// CPU of <paramref name="pid"/> and every child it has had, in clock ticks: its own utime + stime, its cutime +
    /// cstime (children it has reaped, e.g. PostgreSQL's backends after their connection closed) and the utime +
    /// stime + cutime + cstime of its live children (backends behind pooled connections that stay open). A child
    /// that exits between two readings moves from the live sum into the parent's cutime and cstime, so the
    /// difference of two readings counts it once.
    /// </summary>
    public static long ReadTreeTicks(int pid)
    {
        // A child reaped between reading the parent and listing the children would be counted in neither: read the
        // parent again after the children, and start over when its reaped total moved in between.
        for (int attempt = 0; ; attempt++)
        {
            string[] parent = Fields(File.ReadAllText(StatPath(pid)));
            long reaped = Field(parent, 16) + Field(parent, 17);
            long children = 0;
            foreach (string stat in ChildStats(pid))
            {
                string[] child = Fields(stat);
                children += Field(child, 14) + Field(child, 15) + Field(child, 16) + Field(child, 17);
            }

            string[] again = Fields(File.ReadAllText(StatPath(pid)));
            if (Field(again, 16) + Field(again, 17) == reaped || attempt >= 10)
            {
                return Field(again, 14) + Field(again, 15) + reaped + children;
            }
        }
    }

    /// <summary>The stat lines of the live children of <paramref name="pid"/> (field 4, ppid, names the parent).</summary>
    private static IEnumerable<string> ChildStats(int pid)
    {
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                continue; // The process exited while /proc was listed.
            }

            if (Field(Fields(stat), 4) == pid)
            {
                yield return stat;
            }
        }
    }

    /// <summary>
    /// The fields of a stat line from field 3 (state) on. The command name (field 2) is in parentheses and may hold
    /// spaces and parentheses itself, so fields are counted from the last ')'.
    /// </summary>
    private static string[] Fields(string stat)
    {
        int end = stat.LastIndexOf(')');
        if (end < 0)
        {
            throw new FormatException("Not a /proc/PID/stat line: no ')' after the command name.");
        }

        string[] fields = stat[(end + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 15)
        {
            throw new FormatException($"/proc/PID/stat line has {fields.Length + 2} fields, expected at least 17.");
        }

        return fields;
    }

    /// <summary>Field <paramref name="number"/> (1-based, as proc(5) counts) of <see cref="Fields"/>' result.</summary>
    private static long Field(string[] fields, int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);

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

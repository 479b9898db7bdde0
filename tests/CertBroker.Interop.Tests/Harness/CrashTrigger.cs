namespace CertBroker.Interop.Tests.Harness;

/// <summary>Kills a server in the middle of a fleet's enrolments, and compares the serials the devices hold.</summary>
public static class CrashTrigger
{
    /// <summary>
    /// Sends SIGKILL to <paramref name="server"/> once <paramref name="count"/> of the certificate files exist, or after
    /// <paramref name="deadline"/>; answers how many existed then.
    /// </summary>
    /// <remarks>
    /// A thread of its own, and a signal to the broker alone (<see cref="ServerProcess.CrashAsync"/>): the broker
    /// answers 32 clients within about 150 ms of each other, and a thread-pool continuation followed by a process-tree
    /// kill came so late on two cores that every reply had often gone out already.
    /// </remarks>
    public static Task<int> KillWhenHeld(ServerProcess server, IReadOnlyList<string> certificateFiles, int count, TimeSpan deadline)
    {
        var killed = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watcher = new Thread(() =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            int held;
            while ((held = certificateFiles.Count(File.Exists)) < count && clock.Elapsed < deadline)
            {
                Thread.Sleep(1);
            }

            // The signal goes out before CrashAsync first awaits, on this thread.
            _ = server.CrashAsync();
            killed.SetResult(held);
        })
        { IsBackground = true, Name = "crash trigger" };
        watcher.Start();
        return killed.Task;
    }

    /// <summary>The serial of the certificate in a PEM file, as .NET prints it.</summary>
    public static string SerialOf(string certificateFile)
    {
        using var certificate = OpenSsl.Load(certificateFile);
        return certificate.SerialNumber;
    }

    /// <summary>
    /// A serial in one spelling: .NET prints upper-case hex with a leading zero byte when the top bit is set; the
    /// inventory may differ in both.
    /// </summary>
    public static string Normalize(string serial) => serial.Replace(":", "", StringComparison.Ordinal).TrimStart('0').ToUpperInvariant();
}

using System.Diagnostics;
using System.Text;

namespace CertBroker.Interop.Tests.Harness;

/// <summary>What an external program did: exit code, everything it printed, and whether it had to be killed.</summary>
public sealed record ProcessResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError, bool TimedOut, TimeSpan Elapsed)
{
    public bool Succeeded => !TimedOut && ExitCode == 0;

    /// <summary>The whole exchange, for assertion messages and test output.</summary>
    public string Describe() =>
        $"$ {CommandLine}\n" +
        $"exit {(TimedOut ? "killed after timeout" : ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture))} in {Elapsed.TotalSeconds:F1}s\n" +
        $"--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
}

/// <summary>
/// Runs a real program with its output captured. Every run is bounded: a program still running
/// when its timeout passes is killed with its whole process tree, like coreutils' timeout(1).
/// </summary>
public sealed class ExternalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private ExternalProcess(Process process, string commandLine)
    {
        _process = process;
        CommandLine = commandLine;
    }

    public string CommandLine { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string StandardOutput
    {
        get { lock (_stdout) { return _stdout.ToString(); } }
    }

    public string StandardError
    {
        get { lock (_stderr) { return _stderr.ToString(); } }
    }

    /// <summary>Runs a program to completion, or kills it once <paramref name="timeout"/> has passed.</summary>
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null,
        CancellationToken cancellationToken = default)
    {
        await using var process = Start(fileName, arguments, workingDirectory, environment);
        return await process.WaitAsync(timeout, cancellationToken);
    }

    /// <summary>Starts a program that keeps running (a server or daemon); dispose to kill it.</summary>
    public static ExternalProcess Start(
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Stable, untranslated messages: tests match on some of them.
        startInfo.Environment["LC_ALL"] = "C";
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                startInfo.Environment[name] = value;
            }
        }

        var commandLine = string.Join(' ', startInfo.ArgumentList.Prepend(fileName).Select(Quote));
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var external = new ExternalProcess(process, commandLine);
        process.OutputDataReceived += (_, e) => Append(external._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(external._stderr, e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {commandLine}");
        }

        // No client should ever wait for a person to type something.
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return external;
    }

    /// <summary>Waits for the program to end, killing it if it is still running after <paramref name="timeout"/>.</summary>
    public async Task<ProcessResult> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var timedOut = false;
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            timedOut = true;
            await KillAsync();
        }

        return new ProcessResult(CommandLine, timedOut ? -1 : _process.ExitCode, StandardOutput, StandardError, timedOut, _clock.Elapsed);
    }

    /// <summary>
    /// SIGKILL to the program alone, at once: killing the whole tree first walks every process in /proc, which under
    /// load takes long enough to matter to a test that kills at a chosen moment.
    /// </summary>
    public void Signal()
    {
        try
        {
            _process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // It has ended already.
        }
    }

    /// <summary>Kills the program and everything it started, then waits briefly for the output to drain.</summary>
    public async Task KillAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It ended between the check and the kill.
        }

        using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _process.WaitForExitAsync(drain.Token);
        }
        catch (OperationCanceledException)
        {
            // A grandchild that escaped the tree still holds the pipes; the output so far is enough.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.Append(line).Append('\n');
        }
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,@%+".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

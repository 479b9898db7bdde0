using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Sqlite;

/// <summary>
/// How a connection waits when another connection holds the lock it needs: in steps of a few milliseconds, for at
/// most <see cref="SqliteStoreOptions.BusyTimeout"/>.
/// </summary>
/// <remarks>
/// The bundled e_sqlite3 is built without <c>usleep</c>, so SQLite's own busy handler (<c>PRAGMA busy_timeout</c>)
/// sleeps whole seconds: a write that met the scheduler's job store committing for a millisecond waited a full
/// second, and every enrolment queued behind it waited with it. SQLitePCLRaw 2.0 does not expose
/// <c>sqlite3_busy_handler</c>, so it is called on the library SQLitePCLRaw itself loaded. A connection has one busy
/// handler, so this one takes the place of the pragma; it runs only while the connection is actually blocked.
/// </remarks>
internal static unsafe class SqliteBusyWait
{
    private const int LongestSleepMilliseconds = 10;

    // The handler runs on the thread executing the blocked statement, and a thread runs one statement at a time.
    [ThreadStatic]
    private static long t_blockedSince;

    private static long s_retries;

    /// <summary>How many times, in this process, a blocked connection slept and tried again.</summary>
    public static long Retries => Interlocked.Read(ref s_retries);

    /// <summary>Makes <paramref name="connection"/> (open) wait for locks for at most <paramref name="timeout"/>.</summary>
    public static void Install(SqliteConnection connection, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(connection.Handle);
        var timeoutMilliseconds = (nint)Math.Min((long)timeout.TotalMilliseconds, int.MaxValue);
        delegate* unmanaged[Cdecl]<nint, int, int> handler = &Retry;
        int result = sqlite3_busy_handler(connection.Handle.DangerousGetHandle(), (nint)handler, timeoutMilliseconds);
        if (result != 0)
        {
            throw new InvalidOperationException($"SQLite refused the busy handler (result code {result}).");
        }
    }

    /// <summary>SQLite's busy callback: non-zero to try again, zero to give up with SQLITE_BUSY.</summary>
    /// <param name="timeoutMilliseconds">The argument given at installation.</param>
    /// <param name="count">How many times it was called for this lock before; 0 starts a new wait.</param>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Retry(nint timeoutMilliseconds, int count) => Decide(timeoutMilliseconds, count) ? 1 : 0;

    /// <summary>Sleeps and returns true while the wait that began at call 0 is shorter than the timeout.</summary>
    internal static bool Decide(long timeoutMilliseconds, int count)
    {
        long now = Stopwatch.GetTimestamp();
        if (count == 0)
        {
            t_blockedSince = now;
        }

        if (Stopwatch.GetElapsedTime(t_blockedSince, now).TotalMilliseconds >= timeoutMilliseconds)
        {
            return false;
        }

        // 1, 2, 3 … 10 ms: a lock held for an instant costs an instant, and a long one does not spin.
        Thread.Sleep(Math.Min(count + 1, LongestSleepMilliseconds));
        Interlocked.Increment(ref s_retries);
        return true;
    }

    [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_busy_handler(nint db, nint handler, nint argument);
}

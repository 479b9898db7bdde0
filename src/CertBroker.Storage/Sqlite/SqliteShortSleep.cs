using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CertBroker.Storage.Sqlite;

/// <summary>
/// Makes SQLite's short internal waits short: registers, as the default, a copy of the platform's VFS whose
/// <c>xSleep</c> sleeps the microseconds asked for (rounded up to a millisecond) instead of whole seconds.
/// </summary>
/// <remarks>
/// The bundled e_sqlite3 is built without <c>usleep</c> and <c>nanosleep</c>, so its VFS rounds every sleep up to a
/// second. SQLite sleeps inside its own retry loops, for instance when a connection starts a read transaction while
/// the write-ahead log's read marks are all taken or the log is being restarted: the retry meant to last tens of
/// microseconds made a reader, or the writer and every enrolment queued behind it, wait a full second. The copy
/// keeps every other method of the original VFS (SQLite's documented shim mechanism), so files, locks and shared
/// memory behave exactly as before. <see cref="SqliteBusyWait"/> handles the other place this build sleeps, the busy
/// handler.
/// </remarks>
internal static unsafe class SqliteShortSleep
{
    /// <summary>The name the copy is registered under.</summary>
    public const string VfsName = "certbroker-unix";

    private static readonly object Gate = new();

    // Process lifetime, as SQLite keeps the registered VFS's name.
    private static readonly byte* Name = (byte*)Marshal.StringToCoTaskMemUTF8(VfsName);

    /// <summary>Installs the copy as SQLite's default VFS, once per process; call after the library is initialised.</summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (sqlite3_vfs_find(Name) is not null)
            {
                return;
            }

            Vfs* original = sqlite3_vfs_find(null);
            if (original is null)
            {
                throw new InvalidOperationException("SQLite has no default VFS.");
            }

            if (original->Version < 3)
            {
                // Not the build this works around (its unix VFS is version 3); leave SQLite as it is.
                return;
            }

            // Process lifetime: SQLite keeps the pointer until it is unregistered, which never happens.
            var copy = (Vfs*)NativeMemory.AllocZeroed((nuint)sizeof(Vfs));
            *copy = *original;
            copy->Next = null;
            copy->Name = Name;
            copy->Sleep = (nint)(delegate* unmanaged[Cdecl]<Vfs*, int, int>)&Sleep;
            int result = sqlite3_vfs_register(copy, makeDefault: 1);
            if (result != 0)
            {
                throw new InvalidOperationException($"SQLite refused to register its VFS copy (result code {result}).");
            }
        }
    }

    /// <summary>The default VFS's name, for checks.</summary>
    public static string? DefaultVfsName()
    {
        Vfs* vfs = sqlite3_vfs_find(null);
        return vfs is null ? null : Marshal.PtrToStringUTF8((nint)vfs->Name);
    }

    /// <summary>Sleeps for <paramref name="microseconds"/>, at least one millisecond; returns the microseconds asked for.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Sleep(Vfs* vfs, int microseconds)
    {
        Thread.Sleep(Math.Max(1, (microseconds + 999) / 1000));
        return microseconds;
    }

    /// <summary>SQLite's <c>sqlite3_sleep</c>: sleeps through the default VFS and returns the milliseconds it says it slept.</summary>
    internal static int SleepThroughSqlite(int milliseconds) => sqlite3_sleep(milliseconds);

    [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_sleep(int milliseconds);

    [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
    private static extern Vfs* sqlite3_vfs_find(byte* name);

    [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_vfs_register(Vfs* vfs, int makeDefault);

    /// <summary><c>struct sqlite3_vfs</c>, version 3 (the newest).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Vfs
    {
        public int Version;
        public int OsFileSize;
        public int MaxPathname;
        public Vfs* Next;
        public byte* Name;
        public nint AppData;
        public nint Open;
        public nint Delete;
        public nint Access;
        public nint FullPathname;
        public nint DlOpen;
        public nint DlError;
        public nint DlSym;
        public nint DlClose;
        public nint Randomness;
        public nint Sleep;
        public nint CurrentTime;
        public nint GetLastError;
        public nint CurrentTimeInt64;
        public nint SetSystemCall;
        public nint GetSystemCall;
        public nint NextSystemCall;
    }
}

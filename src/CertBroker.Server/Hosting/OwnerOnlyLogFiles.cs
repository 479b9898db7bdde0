using Serilog.Sinks.File;

namespace CertBroker.Server.Hosting;

/// <summary>
/// Keeps the file log readable by the service account only: the folder 0700, every file 0600, including files
/// created when the log rolls over and files left by an earlier version with broader modes. Log lines name accounts,
/// addresses and devices; other local users have no business reading them.
/// </summary>
/// <remarks>
/// The folder is made owner-only before the first file is created, so the moment between a file's creation (with the
/// process umask) and <see cref="OnFileOpened"/> narrowing it gives nobody else a way in. Nothing is done on Windows,
/// where the data directory's ACL governs.
/// </remarks>
internal sealed class OwnerOnlyLogFiles : FileLifecycleHooks
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode DirectoryMode = FileMode | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="directory"/> owner-only, or narrows it and the files in it when it exists.</summary>
    public static void Prepare(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, DirectoryMode);
        }

        File.SetUnixFileMode(directory, DirectoryMode);
        foreach (string file in Directory.EnumerateFiles(directory))
        {
            File.SetUnixFileMode(file, FileMode);
        }
    }

    public override Stream OnFileOpened(string path, Stream underlyingStream, System.Text.Encoding encoding)
    {
        if (!OperatingSystem.IsWindows())
        {
            // By path: the sink hands over a wrapper, not the FileStream. Safe, since only this account can enter the folder.
            File.SetUnixFileMode(path, FileMode);
        }

        return base.OnFileOpened(path, underlyingStream, encoding);
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CertBroker.Issuers.Embedded;

/// <summary>Reads and writes certificate and key files; every failure becomes a <see cref="KeyMaterialException"/>.</summary>
internal static class KeyFiles
{
    public const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode PublicFileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const UnixFileMode PrivateDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>All certificates in a PEM file in file order, or the single certificate of a DER file.</summary>
    public static async Task<IReadOnlyList<X509Certificate2>> ReadCertificatesAsync(
        string path,
        string role,
        CancellationToken cancellationToken)
    {
        var bytes = await ReadAsync(path, role, "certificate", cancellationToken).ConfigureAwait(false);
        var text = Encoding.ASCII.GetString(bytes);
        try
        {
            if (text.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                var collection = new X509Certificate2Collection();
                collection.ImportFromPem(text);
                if (collection.Count == 0)
                {
                    throw new KeyMaterialException($"The {role} certificate file '{path}' contains no CERTIFICATE PEM block.");
                }

                return [.. collection];
            }

            return [X509CertificateLoader.LoadCertificate(bytes)];
        }
        catch (CryptographicException exception)
        {
            throw new KeyMaterialException(
                $"The {role} certificate file '{path}' is not a readable PEM or DER certificate: {exception.Message}",
                exception);
        }
    }

    /// <summary>An RSA private key from a PEM file: PKCS#1, PKCS#8 or password-encrypted PKCS#8.</summary>
    public static async Task<RSA> ReadRsaPrivateKeyAsync(
        string path,
        string? password,
        string role,
        CancellationToken cancellationToken)
    {
        var bytes = await ReadAsync(path, role, "private key", cancellationToken).ConfigureAwait(false);
        var text = Encoding.ASCII.GetString(bytes);
        CryptographicOperations.ZeroMemory(bytes);

        if (text.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal))
        {
            throw new KeyMaterialException(
                $"The {role} private key '{path}' uses legacy OpenSSL PEM encryption, which is not supported; convert it " +
                "to encrypted PKCS#8 with 'openssl pkcs8 -topk8 -v2 aes-256-cbc'.");
        }

        string? label = PemEncoding.TryFind(text, out PemFields fields) ? text[fields.Label] : null;
        if (label == "EC PRIVATE KEY")
        {
            throw new KeyMaterialException($"The {role} private key '{path}' is an EC key; CA and RA keys must be RSA.");
        }

        var encrypted = label == "ENCRYPTED PRIVATE KEY";
        if (encrypted && string.IsNullOrEmpty(password))
        {
            throw new KeyMaterialException($"The {role} private key '{path}' is encrypted but no password is configured for it.");
        }

        var key = RSA.Create();
        try
        {
            if (encrypted)
            {
                key.ImportFromEncryptedPem(text, password);
            }
            else
            {
                key.ImportFromPem(text);
            }

            return key;
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            key.Dispose();
            var reason = encrypted
                ? "it could not be decrypted (wrong password, or not an RSA key)"
                : "it holds no single RSA private key in PKCS#1 or PKCS#8 form";
            throw new KeyMaterialException($"The {role} private key '{path}' cannot be used: {reason}.", exception);
        }
    }

    /// <summary>The one certificate with a private key in a PKCS#12 file, its RSA key, and the other certificates.</summary>
    public static async Task<(X509Certificate2 Certificate, RSA Key, IReadOnlyList<X509Certificate2> Others)> ReadPkcs12Async(
        string path,
        string? password,
        string role,
        CancellationToken cancellationToken)
    {
        var bytes = await ReadAsync(path, role, "PKCS#12", cancellationToken).ConfigureAwait(false);
        X509Certificate2Collection collection;
        try
        {
            collection = X509CertificateLoader.LoadPkcs12Collection(bytes, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException exception)
        {
            throw new KeyMaterialException(
                $"The {role} PKCS#12 file '{path}' cannot be opened (wrong password or unsupported format): {exception.Message}",
                exception);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }

        try
        {
            var withKey = collection.Where(c => c.HasPrivateKey).ToList();
            if (withKey.Count != 1)
            {
                throw new KeyMaterialException(
                    $"The {role} PKCS#12 file '{path}' holds {withKey.Count} certificates with a private key; expected exactly one.");
            }

            var key = withKey[0].GetRSAPrivateKey()
                ?? throw new KeyMaterialException($"The {role} PKCS#12 file '{path}' holds a non-RSA key; CA and RA keys must be RSA.");

            // Hand out certificates without an attached key: keys travel separately, as IRegistrationAuthority has them.
            var certificate = X509CertificateLoader.LoadCertificate(withKey[0].RawData);
            var others = collection.Where(c => !c.HasPrivateKey).Select(c => X509CertificateLoader.LoadCertificate(c.RawData)).ToList();
            return (certificate, key, others);
        }
        finally
        {
            foreach (var certificate in collection)
            {
                certificate.Dispose();
            }
        }
    }

    public static Task WriteCertificateAsync(string path, X509Certificate2 certificate, CancellationToken cancellationToken) =>
        WriteAtomicallyAsync(path, Encoding.ASCII.GetBytes(certificate.ExportCertificatePem() + "\n"), PublicFileMode, cancellationToken);

    public static async Task WritePrivateKeyAsync(string path, RSA key, CancellationToken cancellationToken)
    {
        var der = key.ExportPkcs8PrivateKey();
        var pem = PemEncoding.Write("PRIVATE KEY", der);
        var bytes = new byte[Encoding.ASCII.GetByteCount(pem) + 1];
        Encoding.ASCII.GetBytes(pem, bytes);
        bytes[^1] = (byte)'\n';
        try
        {
            await WriteAtomicallyAsync(path, bytes, PrivateFileMode, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
            Array.Clear(pem);
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>
    /// Writes to a temporary file created with <paramref name="mode"/> and renames it into place, so a reader never sees
    /// a half-written file and a private key never exists, even briefly, with broader permissions than owner-only.
    /// </summary>
    public static async Task WriteAtomicallyAsync(
        string path,
        ReadOnlyMemory<byte> contents,
        UnixFileMode mode,
        CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        File.Delete(temporary);
        var streamOptions = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            streamOptions.UnixCreateMode = mode;
        }

        await using (var stream = new FileStream(temporary, streamOptions))
        {
            if (!OperatingSystem.IsWindows())
            {
                // The umask may have removed bits from the create mode; set exactly the intended mode.
                File.SetUnixFileMode(stream.SafeFileHandle, mode);
            }

            await stream.WriteAsync(contents, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Creates a directory readable by the owner only (existing directories are left as they are).</summary>
    public static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, PrivateDirectoryMode);
        }
    }

    /// <summary>True when a key file can be read by other users than its owner.</summary>
    public static bool IsReadableByOthers(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        return (File.GetUnixFileMode(path) & others) != 0;
    }

    private static async Task<byte[]> ReadAsync(string path, string role, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new KeyMaterialException($"The {role} {what} file '{Path.GetFullPath(path)}' does not exist.", exception);
        }
        catch (Exception exception) when (exception is UnauthorizedAccessException or IOException)
        {
            throw new KeyMaterialException(
                $"The {role} {what} file '{Path.GetFullPath(path)}' cannot be read: {exception.Message}",
                exception);
        }
    }
}

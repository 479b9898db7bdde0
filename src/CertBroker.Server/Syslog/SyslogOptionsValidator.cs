using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

using CertBroker.Core.Audit;

namespace CertBroker.Server.Syslog;

/// <summary>
/// Reports every syslog configuration problem at once, naming the key and the offending value. Files are opened only
/// when syslog is enabled, so a disabled section never fails start-up over a missing certificate.
/// </summary>
public sealed partial class SyslogOptionsValidator : IValidateOptions<SyslogOptions>
{
    private const string Prefix = SyslogOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, SyslogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        CheckCollector(options, failures);
        CheckMessageFields(options, failures);
        CheckLimits(options, failures);
        CheckTls(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckCollector(SyslogOptions options, List<string> failures)
    {
        if (options.Enabled && string.IsNullOrWhiteSpace(options.Host))
        {
            failures.Add($"{Prefix}{nameof(SyslogOptions.Host)} must be set when {nameof(SyslogOptions.Enabled)} is true.");
        }

        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"{Prefix}{nameof(SyslogOptions.Port)} must be between 1 and 65535; got {options.Port}.");
        }

        if (!Enum.IsDefined(options.Transport))
        {
            failures.Add($"{Prefix}{nameof(SyslogOptions.Transport)} must be Udp, Tcp or Tls; got {options.Transport}.");
        }
    }

    private static void CheckMessageFields(SyslogOptions options, List<string> failures)
    {
        if (!Enum.IsDefined(options.Facility))
        {
            failures.Add($"{Prefix}{nameof(SyslogOptions.Facility)} must be a facility name such as AuthPriv or Local0, or a number from 0 to 23; got {options.Facility}.");
        }

        if (!PrintableAscii().IsMatch(options.AppName ?? string.Empty) || options.AppName!.Length > SyslogMessage.MaxAppNameLength)
        {
            failures.Add($"{Prefix}{nameof(SyslogOptions.AppName)} must be 1 to {SyslogMessage.MaxAppNameLength} printable US-ASCII characters without spaces; got '{options.AppName}'.");
        }

        if (!string.IsNullOrEmpty(options.Hostname)
            && (!PrintableAscii().IsMatch(options.Hostname) || options.Hostname.Length > SyslogMessage.MaxHostnameLength))
        {
            failures.Add($"{Prefix}{nameof(SyslogOptions.Hostname)} must be at most {SyslogMessage.MaxHostnameLength} printable US-ASCII characters without spaces; got '{options.Hostname}'.");
        }

        if (!EnterpriseSdId().IsMatch(options.StructuredDataId ?? string.Empty) || options.StructuredDataId!.Length > SyslogMessage.MaxSdNameLength)
        {
            failures.Add($"{Prefix}{nameof(SyslogOptions.StructuredDataId)} must be name@enterprise-number, at most {SyslogMessage.MaxSdNameLength} characters (RFC 5424 §6.3.2); got '{options.StructuredDataId}'.");
        }
    }

    private static void CheckLimits(SyslogOptions options, List<string> failures)
    {
        if (options.BufferCapacity is < 1 or > 1_000_000)
        {
            failures.Add($"{Prefix}{nameof(SyslogOptions.BufferCapacity)} must be between 1 and 1000000; got {options.BufferCapacity}.");
        }

        // The header alone may take about 500 octets; 65507 is the largest UDP payload over IPv4.
        int maxMessageBytes = options.Transport == SyslogTransport.Udp ? 65_507 : 1024 * 1024;
        if (options.MaxMessageBytes < 1024 || options.MaxMessageBytes > maxMessageBytes)
        {
            failures.Add($"{Prefix}{nameof(SyslogOptions.MaxMessageBytes)} must be between 1024 and {maxMessageBytes} over {options.Transport}; got {options.MaxMessageBytes}.");
        }

        if (options.ReconnectDelay <= TimeSpan.Zero)
        {
            failures.Add($"{Prefix}{nameof(SyslogOptions.ReconnectDelay)} must be positive; got {options.ReconnectDelay}.");
        }

        if (options.MaxReconnectDelay < options.ReconnectDelay)
        {
            failures.Add($"{Prefix}{nameof(SyslogOptions.MaxReconnectDelay)} must be at least {nameof(SyslogOptions.ReconnectDelay)} ({options.ReconnectDelay}); got {options.MaxReconnectDelay}.");
        }

        if (options.NetworkTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{Prefix}{nameof(SyslogOptions.NetworkTimeout)} must be positive; got {options.NetworkTimeout}.");
        }

        if (options.ShutdownTimeout < TimeSpan.Zero)
        {
            failures.Add($"{Prefix}{nameof(SyslogOptions.ShutdownTimeout)} must not be negative; got {options.ShutdownTimeout}.");
        }
    }

    private static void CheckTls(SyslogOptions options, List<string> failures)
    {
        if (options.Transport != SyslogTransport.Tls)
        {
            foreach ((string key, string? value) in TlsSettings(options).Where(s => !string.IsNullOrEmpty(s.Value)))
            {
                failures.Add($"{Prefix}{key} is set to '{value}' but only applies when {nameof(SyslogOptions.Transport)} is Tls; got {options.Transport}.");
            }

            return;
        }

        if (!string.IsNullOrEmpty(options.ClientKeyPath) && string.IsNullOrEmpty(options.ClientCertificatePath))
        {
            failures.Add($"{Prefix}{nameof(SyslogOptions.ClientKeyPath)} is set but {nameof(SyslogOptions.ClientCertificatePath)} is not.");
        }

        if (!options.Enabled)
        {
            return;
        }

        if (!string.IsNullOrEmpty(options.CaCertificatePath))
        {
            string? problem = CheckCaFile(options.CaCertificatePath);
            if (problem is not null)
            {
                failures.Add($"{Prefix}{nameof(SyslogOptions.CaCertificatePath)} '{options.CaCertificatePath}': {problem}");
            }
        }

        if (!string.IsNullOrEmpty(options.ClientCertificatePath))
        {
            string? problem = CheckClientCertificate(options.ClientCertificatePath, options.ClientKeyPath);
            if (problem is not null)
            {
                failures.Add($"{Prefix}{nameof(SyslogOptions.ClientCertificatePath)} '{options.ClientCertificatePath}': {problem}");
            }
        }
    }

    private static IEnumerable<KeyValuePair<string, string?>> TlsSettings(SyslogOptions options)
    {
        yield return new(nameof(SyslogOptions.CaCertificatePath), options.CaCertificatePath);
        yield return new(nameof(SyslogOptions.ClientCertificatePath), options.ClientCertificatePath);
        yield return new(nameof(SyslogOptions.ClientKeyPath), options.ClientKeyPath);
        yield return new(nameof(SyslogOptions.ServerName), options.ServerName);
    }

    private static string? CheckCaFile(string path)
    {
        if (!File.Exists(path))
        {
            return "file not found.";
        }

        try
        {
            X509Certificate2Collection roots = SyslogTlsFiles.LoadCertificates(path);
            SyslogTlsFiles.DisposeAll(roots);
            return roots.Count == 0 ? "no PEM certificate in the file." : null;
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            return $"cannot be read: {e.Message}";
        }
    }

    private static string? CheckClientCertificate(string certificatePath, string? keyPath)
    {
        if (!File.Exists(certificatePath))
        {
            return "file not found.";
        }

        if (!string.IsNullOrEmpty(keyPath) && !File.Exists(keyPath))
        {
            return $"key file '{keyPath}' not found.";
        }

        try
        {
            using X509Certificate2 certificate = SyslogTlsFiles.LoadClientCertificate(certificatePath, keyPath);
            return null;
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return $"no usable certificate and unencrypted private key: {e.Message}";
        }
    }

    [GeneratedRegex(@"^[!-~]+\z")]
    private static partial Regex PrintableAscii();

    // SD-NAME characters (printable US-ASCII except '=', SP, ']' and '"') other than '@', then '@' and the
    // private enterprise number with optional sub-identifiers (§7.2.2).
    [GeneratedRegex(@"^[!-~-[=\]""@]]+@[0-9]+(\.[0-9]+)*\z")]
    private static partial Regex EnterpriseSdId();
}

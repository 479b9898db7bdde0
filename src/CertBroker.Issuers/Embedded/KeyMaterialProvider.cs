using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CertBroker.Issuers.Embedded;

/// <summary>
/// Loads the CA and RA material once at start-up: the configured files, or else development material under
/// <c>&lt;dataDirectory&gt;/ca/</c>, generated on the first start and loaded on later ones. Every source goes
/// through the same checks; anything unusable stops start-up with a <see cref="KeyMaterialException"/>.
/// </summary>
/// <remarks>
/// A dual-use RA is allowed: when no encryption RA is configured, the signing RA certificate also receives request
/// envelopes and must then allow both digitalSignature and keyEncipherment (Apple and jscep accept this).
/// </remarks>
public sealed class KeyMaterialProvider
{
    /// <summary>The folder under the data directory holding generated material and the CRL number.</summary>
    public const string FolderName = "ca";

    private readonly IOptions<EmbeddedCaOptions> options;
    private readonly TimeProvider timeProvider;
    private readonly ILogger<KeyMaterialProvider> logger;

    public KeyMaterialProvider(
        IOptions<EmbeddedCaOptions> options,
        string dataDirectory,
        TimeProvider timeProvider,
        ILogger<KeyMaterialProvider> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        this.options = options;
        this.timeProvider = timeProvider;
        this.logger = logger;
        MaterialDirectory = Path.Combine(Path.GetFullPath(dataDirectory), FolderName);
    }

    /// <summary><c>&lt;dataDirectory&gt;/ca</c> as a full path.</summary>
    public string MaterialDirectory { get; }

    public async Task<CaKeyMaterial> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var validation = new EmbeddedCaOptionsValidator().Validate(Options.DefaultName, settings);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(EmbeddedCaOptions), validation.Failures);
        }

        var caSource = settings.CaSource;
        var signingSource = settings.Ra?.SigningSource;
        var encryptionSource = settings.Ra?.EncryptionSource;
        var generated = caSource is null;
        if (generated)
        {
            var layout = new DevMaterialLayout(MaterialDirectory);
            await EnsureDevMaterialAsync(layout, settings, cancellationToken).ConfigureAwait(false);
            (caSource, signingSource, encryptionSource) = (layout.CaSource, layout.SigningSource, layout.EncryptionSource);
        }

        var owned = new List<IDisposable>();
        try
        {
            var ca = await LoadAsync(caSource!, owned, cancellationToken).ConfigureAwait(false);
            MaterialChecks.EnsureCa(ca.Certificate, ca.Role, ca.Path);
            var caChain = OrderChain(ca);

            var dualUse = encryptionSource is null;
            var signingUsage = dualUse
                ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment
                : X509KeyUsageFlags.DigitalSignature;
            var signing = await LoadAsync(signingSource!, owned, cancellationToken).ConfigureAwait(false);
            EnsureRa(signing, ca.Certificate, signingUsage);
            var encryption = signing;
            if (!dualUse)
            {
                encryption = await LoadAsync(encryptionSource!, owned, cancellationToken).ConfigureAwait(false);
                EnsureRa(encryption, ca.Certificate, X509KeyUsageFlags.KeyEncipherment);
            }

            var next = await LoadNextCaAsync(settings.NextCa?.CertificatePath, owned, cancellationToken).ConfigureAwait(false);
            var material = new CaKeyMaterial(
                caChain,
                ca.Key,
                signing.Certificate,
                signing.Key,
                encryption.Certificate,
                encryption.Key,
                next,
                generated);

            // Certificates that came along in the files but are not part of the material are of no further use.
            var kept = new HashSet<object>(ReferenceEqualityComparer.Instance) { material.CaKey, material.RaSigningKey, material.RaEncryptionKey };
            kept.UnionWith(material.CaChain);
            kept.Add(material.RaSigningCertificate);
            kept.Add(material.RaEncryptionCertificate);
            if (next is not null)
            {
                kept.Add(next);
            }

            foreach (var item in owned.Where(item => !kept.Contains(item)))
            {
                item.Dispose();
            }

            return material;
        }
        catch
        {
            foreach (var item in owned)
            {
                item.Dispose();
            }

            throw;
        }
    }

    private async Task EnsureDevMaterialAsync(DevMaterialLayout layout, EmbeddedCaOptions settings, CancellationToken cancellationToken)
    {
        if (File.Exists(layout.CaCertificate))
        {
            var missing = layout.Files.Where(path => !File.Exists(path)).Select(Path.GetFileName).ToList();
            if (missing.Count > 0)
            {
                // Never regenerate over a finished CA: certificates it issued would stop chaining.
                throw new KeyMaterialException(
                    $"Generated CA material in '{layout.Directory}' is incomplete: {string.Join(", ", missing)} missing. " +
                    "Restore the files from a backup; remove the folder only if no certificate issued by this CA must stay valid.");
            }

            return;
        }

        var certificates = await DevMaterialGenerator
            .GenerateAsync(layout, settings, timeProvider.GetUtcNow(), cancellationToken)
            .ConfigureAwait(false);
        string[] roles = ["CA", "RA signing", "RA encryption"];
        for (var i = 0; i < certificates.Count; i++)
        {
            EmbeddedCaLog.GeneratedDevCertificate(
                logger,
                roles[i],
                certificates[i].Subject,
                CertificateBuilding.Sha256Fingerprint(certificates[i]),
                layout.Directory);
            certificates[i].Dispose();
        }
    }

    private async Task<LoadedIdentity> LoadAsync(KeySource source, List<IDisposable> owned, CancellationToken cancellationToken)
    {
        X509Certificate2 certificate;
        RSA key;
        IReadOnlyList<X509Certificate2> others;
        string path;
        if (source.IsPkcs12)
        {
            path = source.Pkcs12Path!;
            (certificate, key, others) = await KeyFiles
                .ReadPkcs12Async(path, source.Pkcs12Password, source.Role, cancellationToken)
                .ConfigureAwait(false);
            owned.Add(certificate);
            owned.Add(key);
            owned.AddRange(others);
            WarnWhenReadableByOthers(source.Role, path);
        }
        else
        {
            path = source.CertificatePath!;
            var certificates = await KeyFiles.ReadCertificatesAsync(path, source.Role, cancellationToken).ConfigureAwait(false);
            owned.AddRange(certificates);
            (certificate, others) = (certificates[0], certificates.Skip(1).ToList());
            key = await KeyFiles
                .ReadRsaPrivateKeyAsync(source.KeyPath!, source.KeyPassword, source.Role, cancellationToken)
                .ConfigureAwait(false);
            owned.Add(key);
            WarnWhenReadableByOthers(source.Role, source.KeyPath!);
        }

        MaterialChecks.EnsureKeyMatches(certificate, key, source.Role, path);
        MaterialChecks.EnsureStrongRsa(key, source.Role, path);
        MaterialChecks.EnsureSignatureAlgorithm(certificate, source.Role, path);
        LogLoaded(source.Role, certificate, path);
        return new LoadedIdentity(source.Role, path, certificate, key, others);
    }

    private void EnsureRa(LoadedIdentity ra, X509Certificate2 ca, X509KeyUsageFlags usage)
    {
        MaterialChecks.EnsureIssuedBy(ra.Certificate, ca, ra.Role, ra.Path);
        MaterialChecks.EnsureKeyUsage(ra.Certificate, usage, ra.Role, ra.Path);
    }

    /// <summary>
    /// The CA certificate, then each issuer found among the certificates that came with it, up to a self-signed root.
    /// Certificates that are not on that path are ignored.
    /// </summary>
    private static List<X509Certificate2> OrderChain(LoadedIdentity ca)
    {
        var chain = new List<X509Certificate2> { ca.Certificate };
        var current = ca.Certificate;
        while (!IsSelfIssued(current))
        {
            var issuer = ca.Others.FirstOrDefault(c =>
                c.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData) && !chain.Contains(c));
            if (issuer is null)
            {
                break;
            }

            MaterialChecks.EnsureIssuedBy(current, issuer, "CA chain", ca.Path);
            MaterialChecks.EnsureSignatureAlgorithm(issuer, "CA chain", ca.Path);
            chain.Add(issuer);
            current = issuer;
        }

        return chain;
    }

    private async Task<X509Certificate2?> LoadNextCaAsync(string? path, List<IDisposable> owned, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        const string role = "next CA";
        var certificates = await KeyFiles.ReadCertificatesAsync(path, role, cancellationToken).ConfigureAwait(false);
        owned.AddRange(certificates);
        var next = certificates[0];
        MaterialChecks.EnsureCa(next, role, path);
        MaterialChecks.EnsureSignatureAlgorithm(next, role, path);
        LogLoaded(role, next, path);
        return next;
    }

    private void LogLoaded(string role, X509Certificate2 certificate, string path)
    {
        var fingerprint = CertificateBuilding.Sha256Fingerprint(certificate);
        var notBefore = CertificateBuilding.NotBeforeUtc(certificate);
        var notAfter = CertificateBuilding.NotAfterUtc(certificate);
        EmbeddedCaLog.LoadedCertificate(logger, role, certificate.Subject, fingerprint, notAfter, Path.GetFullPath(path));
        var now = timeProvider.GetUtcNow();
        if (now < notBefore || now > notAfter)
        {
            EmbeddedCaLog.CertificateOutsideValidity(logger, role, certificate.Subject, fingerprint, notBefore, notAfter);
        }
    }

    private void WarnWhenReadableByOthers(string role, string path)
    {
        if (KeyFiles.IsReadableByOthers(path))
        {
            EmbeddedCaLog.KeyFileReadableByOthers(logger, role, Path.GetFullPath(path));
        }
    }

    private static bool IsSelfIssued(X509Certificate2 certificate) =>
        certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);

    private sealed record LoadedIdentity(
        string Role,
        string Path,
        X509Certificate2 Certificate,
        RSA Key,
        IReadOnlyList<X509Certificate2> Others);
}

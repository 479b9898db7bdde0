using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Backends;
using CertBroker.Core.Cluster;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CertBroker.Issuers.Embedded;

/// <summary>
/// The built-in CA: signs end-entity certificates with the CA key (SHA-256, RSA PKCS#1 v1.5) and publishes its CRL.
/// Everything that does not depend on the request (issuer name, signature generator, authorityKeyIdentifier,
/// basicConstraints, CRL distribution point) is prepared once; an issuance is one RSA signature plus DER encoding.
/// CRLs are numbered and kept in <see cref="ICrlStore"/>, shared by every node: a node serves the newest stored CRL,
/// looking for a newer one at most once per <see cref="CrlStoreCheckInterval"/>, so a revocation on any node shows
/// in every node's CRL within about that long.
/// </summary>
public sealed class EmbeddedCertificateIssuer : ICertificateIssuer, ICrlPublisher
{
    /// <summary>
    /// How far notBefore is set in the past (5 minutes), so a device whose clock runs a little behind the broker's
    /// does not reject a certificate as not yet valid.
    /// </summary>
    public static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMinutes(5);

    /// <summary>How often a node asks the store whether another node has signed a newer CRL (1 s).</summary>
    public static readonly TimeSpan CrlStoreCheckInterval = TimeSpan.FromSeconds(1);

    private const string SubjectAlternativeNameOid = "2.5.29.17";

    private readonly CaKeyMaterial material;
    private readonly ICertificateStore certificateStore;
    private readonly ICrlStore crlStore;
    private readonly CrlNumberFile legacyCrlNumber;
    private readonly string crlIssuer;
    private readonly TimeProvider timeProvider;
    private readonly ILogger<EmbeddedCertificateIssuer> logger;
    private readonly X509SignatureGenerator signatureGenerator;
    private readonly X500DistinguishedName issuerName;
    private readonly string issuerSubject;
    private readonly X509AuthorityKeyIdentifierExtension authorityKeyIdentifier;
    private readonly X509BasicConstraintsExtension endEntityConstraints = new(false, false, 0, critical: true);
    private readonly X509Extension? crlDistributionPoint;
    private readonly DateTimeOffset caNotBefore;
    private readonly DateTimeOffset caNotAfter;
    private readonly TimeSpan crlValidity;
    private readonly TimeSpan crlRefreshMargin;
    private readonly SemaphoreSlim crlGate = new(1, 1);
    private volatile SignedCrl? currentCrl;
    private long nextStoreCheckTicks;
    private long? crlNumberFloor;

    public EmbeddedCertificateIssuer(
        CaKeyMaterial material,
        ICertificateStore certificateStore,
        ICrlStore crlStore,
        CrlNumberFile legacyCrlNumber,
        IOptions<EmbeddedCaOptions> options,
        TimeProvider timeProvider,
        ILogger<EmbeddedCertificateIssuer> logger)
    {
        ArgumentNullException.ThrowIfNull(material);
        ArgumentNullException.ThrowIfNull(options);
        this.material = material;
        this.certificateStore = certificateStore;
        ArgumentNullException.ThrowIfNull(crlStore);
        ArgumentNullException.ThrowIfNull(legacyCrlNumber);
        this.crlStore = crlStore;
        this.legacyCrlNumber = legacyCrlNumber;
        this.timeProvider = timeProvider;
        this.logger = logger;

        var ca = material.CaCertificate;
        signatureGenerator = X509SignatureGenerator.CreateForRSA(material.CaKey, RSASignaturePadding.Pkcs1);
        issuerName = ca.SubjectName;
        issuerSubject = ca.Subject;
        authorityKeyIdentifier = CertificateBuilding.AuthorityKeyIdentifierFor(ca);
        caNotBefore = CertificateBuilding.NotBeforeUtc(ca);
        caNotAfter = CertificateBuilding.NotAfterUtc(ca);
        crlIssuer = CrlIssuerOf(ca);

        var settings = options.Value;
        crlValidity = TimeSpan.FromHours(settings.CrlValidityHours);
        crlRefreshMargin = TimeSpan.FromHours(settings.CrlRefreshMarginHours);
        if (!string.IsNullOrWhiteSpace(settings.CrlDistributionPointUrl))
        {
            crlDistributionPoint = CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([settings.CrlDistributionPointUrl]);
        }
    }

    public IReadOnlyList<X509Certificate2> CaChain => material.CaChain;

    /// <summary>
    /// Issues a certificate valid from now minus <see cref="ClockSkewAllowance"/> (never before the CA's notBefore) to
    /// now plus the template's validity (never after the CA's notAfter), with the subject, key and subjectAltName of
    /// <paramref name="request"/> (checked and encoded by the broker, never the CSR's bytes), the template's keyUsage (critical) and extendedKeyUsage, basicConstraints cA=FALSE, SKI, AKI and
    /// the optional CRL distribution point. The key may be RSA or EC.
    /// </summary>
    /// <exception cref="InvalidOperationException">The CA certificate has expired.</exception>
    public Task<IssuedCertificate> IssueAsync(IssueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Issue(request));
    }

    /// <summary>The key the CA's CRLs are stored under: the hex subjectKeyIdentifier of its certificate, else its SHA-256 thumbprint.</summary>
    public static string CrlIssuerOf(X509Certificate2 caCertificate)
    {
        ArgumentNullException.ThrowIfNull(caCertificate);
        return caCertificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()?.SubjectKeyIdentifier?.ToLowerInvariant()
            ?? caCertificate.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant();
    }

    /// <summary>
    /// The newest CRL: the cached one while more than the refresh margin remains before its nextUpdate and the store
    /// has no newer one (asked at most once per <see cref="CrlStoreCheckInterval"/>); otherwise the store's newest, or
    /// a newly signed one when that is close to its nextUpdate too. The returned array is shared: do not modify it.
    /// </summary>
    public async Task<byte[]> GetCurrentCrlAsync(CancellationToken cancellationToken)
    {
        var cached = currentCrl;
        if (IsFresh(cached) && timeProvider.GetUtcNow().UtcTicks < Interlocked.Read(ref nextStoreCheckTicks))
        {
            return cached!.Der;
        }

        await crlGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have looked or re-signed while this one waited.
            cached = currentCrl;
            var now = timeProvider.GetUtcNow();
            if (!IsFresh(cached) || now.UtcTicks >= Interlocked.Read(ref nextStoreCheckTicks))
            {
                cached = await NewestStoredAsync(cached, cancellationToken).ConfigureAwait(false);
                Interlocked.Exchange(ref nextStoreCheckTicks, (now + CrlStoreCheckInterval).UtcTicks);
            }

            return IsFresh(cached) ? cached!.Der : (await SignCrlAsync(cancellationToken).ConfigureAwait(false)).Der;
        }
        finally
        {
            crlGate.Release();
        }
    }

    /// <summary>Signs a new CRL now, with the next CRL number, stores it for every node and caches it.</summary>
    public async Task<byte[]> PublishAsync(CancellationToken cancellationToken)
    {
        await crlGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return (await SignCrlAsync(cancellationToken).ConfigureAwait(false)).Der;
        }
        finally
        {
            crlGate.Release();
        }
    }

    private IssuedCertificate Issue(IssueRequest request)
    {
        var template = request.Template ?? throw new ArgumentException("The request has no template.", nameof(request));
        if (template.Validity <= TimeSpan.Zero)
        {
            throw new ArgumentException($"The template validity {template.Validity} is not positive.", nameof(request));
        }

        var now = timeProvider.GetUtcNow();
        if (now >= caNotAfter)
        {
            throw new InvalidOperationException($"The CA certificate '{material.CaCertificate.Subject}' expired at {caNotAfter:O}.");
        }

        var notBefore = Max(now - ClockSkewAllowance, caNotBefore);

        // Compared as a span first: a very long template validity would overflow now + validity.
        var notAfter = template.Validity >= caNotAfter - now ? caNotAfter : now + template.Validity;

        var extensions = new List<X509Extension>(8) { endEntityConstraints };
        if (template.KeyUsage != X509KeyUsageFlags.None)
        {
            extensions.Add(new X509KeyUsageExtension(template.KeyUsage, critical: true));
        }

        if (template.ExtendedKeyUsages.Count > 0)
        {
            var usages = new OidCollection();
            foreach (var usage in template.ExtendedKeyUsages)
            {
                usages.Add(new Oid(usage, null));
            }

            extensions.Add(new X509EnhancedKeyUsageExtension(usages, critical: false));
        }

        extensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        extensions.Add(authorityKeyIdentifier);
        if (request.SubjectAlternativeName is { } subjectAlternativeName)
        {
            extensions.Add(CopySubjectAlternativeName(subjectAlternativeName, request.Subject));
        }

        if (crlDistributionPoint is not null)
        {
            extensions.Add(crlDistributionPoint);
        }

        var serial = CertificateBuilding.NewSerialNumber();
        notBefore = TruncateToSeconds(notBefore);
        notAfter = TruncateToSeconds(notAfter);
        var der = CertificateWriter.Write(
            serial, issuerName, notBefore, notAfter, request.Subject, request.PublicKey.ExportSubjectPublicKeyInfo(), extensions, material.CaKey);
        var serialHex = Convert.ToHexStringLower(serial);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            EmbeddedCaLog.IssuedCertificate(logger, serialHex, request.Subject.Name, notBefore, notAfter);
        }

        return new IssuedCertificate(der, serialHex, issuerSubject, notBefore, notAfter, CertificateWriter.SignatureAlgorithmName);
    }

    /// <summary>
    /// The subjectAltName the broker encoded, made critical when the subject is empty (should a caller not have), as
    /// RFC 5280 §4.2.1.6 requires.
    /// </summary>
    private static X509Extension CopySubjectAlternativeName(X509Extension extension, X500DistinguishedName subject)
    {
        if (extension.Oid?.Value != SubjectAlternativeNameOid)
        {
            throw new ArgumentException(
                $"SubjectAlternativeName has OID {extension.Oid?.Value}, not subjectAltName ({SubjectAlternativeNameOid}).",
                nameof(extension));
        }

        var emptySubject = subject.RawData.Length <= 2;
        return emptySubject && !extension.Critical ? new X509Extension(extension.Oid, extension.RawData, critical: true) : extension;
    }

    private bool IsFresh(SignedCrl? crl) => crl is not null && timeProvider.GetUtcNow() < crl.NextUpdate - crlRefreshMargin;

    /// <summary>The store's newest CRL when it is newer than <paramref name="cached"/>, else <paramref name="cached"/>. Callers hold <see cref="crlGate"/>.</summary>
    private async Task<SignedCrl?> NewestStoredAsync(SignedCrl? cached, CancellationToken cancellationToken)
    {
        try
        {
            var newest = await crlStore.NewestNumberAsync(crlIssuer, cancellationToken).ConfigureAwait(false);
            if (newest is null || (cached is not null && newest <= cached.Number)
                || await crlStore.NewestAsync(crlIssuer, cancellationToken).ConfigureAwait(false) is not { } stored)
            {
                return cached;
            }

            var loaded = new SignedCrl(stored.Der, stored.Number, stored.NextUpdate);
            currentCrl = loaded;
            EmbeddedCaLog.LoadedCrl(logger, stored.Number);
            return loaded;
        }
        catch (Exception e) when (IsFresh(cached) && e is not OperationCanceledException)
        {
            // A database that is away for a moment must not take down a CRL that is still valid.
            EmbeddedCaLog.CrlLookFailed(logger, e, cached!.Number);
            return cached;
        }
    }

    /// <summary>Callers hold <see cref="crlGate"/>, so CRL numbers are handed out in signing order.</summary>
    private async Task<SignedCrl> SignCrlAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        // Only what this CA signed: certificates of an upstream CA (Backend=Ndes) or imported ones are revoked there.
        var revoked = (await certificateStore.ListRevokedAsync(now, cancellationToken).ConfigureAwait(false))
            .Where(r => string.Equals(r.Issuer, issuerSubject, StringComparison.Ordinal))
            .ToList();
        var builder = new CertificateRevocationListBuilder();
        foreach (var record in revoked)
        {
            builder.AddEntry(SerialBytes(record.Serial), record.RevokedAt ?? now, RevocationReason(record));
        }

        crlNumberFloor ??= await legacyCrlNumber.ReadAsync(cancellationToken).ConfigureAwait(false);
        var number = await crlStore.ReserveNumberAsync(crlIssuer, crlNumberFloor.Value, cancellationToken).ConfigureAwait(false);
        var nextUpdate = now + crlValidity;
        var der = builder.Build(issuerName, signatureGenerator, number, nextUpdate, HashAlgorithmName.SHA256, authorityKeyIdentifier, now);
        await crlStore.SaveAsync(new PublishedCrl(crlIssuer, number, now, nextUpdate, der), cancellationToken).ConfigureAwait(false);
        var crl = new SignedCrl(der, number, nextUpdate);
        currentCrl = crl;
        EmbeddedCaLog.SignedCrl(logger, number, revoked.Count, nextUpdate);
        return crl;
    }

    /// <summary>
    /// The CRL entry's reasonCode (RFC 5280 §5.3.1). Unspecified (0) is left out as the RFC recommends; 7 is unassigned
    /// and removeFromCRL (8) belongs only in delta CRLs, so those are listed without a reason.
    /// </summary>
    private X509RevocationReason? RevocationReason(CertificateRecord record)
    {
        switch (record.RevocationReason)
        {
            case null or 0:
                return null;
            case >= 1 and <= 10 and not 7 and not 8:
                return (X509RevocationReason)record.RevocationReason.Value;
            default:
                EmbeddedCaLog.UnusableRevocationReason(logger, record.Serial, record.RevocationReason.Value);
                return null;
        }
    }

    /// <summary>Store serials are lower-case hex; an odd digit count gets its implied leading zero back.</summary>
    private static byte[] SerialBytes(string serial) =>
        Convert.FromHexString(serial.Length % 2 == 0 ? serial : "0" + serial);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private sealed record SignedCrl(byte[] Der, long Number, DateTimeOffset NextUpdate);
}

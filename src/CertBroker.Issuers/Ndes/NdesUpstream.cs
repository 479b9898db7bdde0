using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Backends;
using CertBroker.Core.Profiles;
using CertBroker.Issuers.Embedded;
using CertBroker.Scep;
using Microsoft.Extensions.Logging;

namespace CertBroker.Issuers.Ndes;

/// <summary>
/// The upstream SCEP CA of one <c>Backend=Ndes</c> profile. Keeps the upstream's GetCACaps and GetCACert (in
/// memory and in the data directory, so a restart without the upstream still serves devices), the broker's RA
/// identity (configured files, or enrolled from the upstream and re-enrolled before it expires), and relays
/// device requests. <see cref="RefreshAsync"/> is called at start-up and on a schedule by
/// <see cref="UpstreamCaRefresher"/>, and again when a reply suggests the upstream rolled its CA.
/// </summary>
public sealed class NdesUpstream : IUpstreamCa, IDisposable
{
    private const string CapsFile = "ca-caps.txt";
    private const string CaCertFile = "ca-cert.bin";

    private readonly NdesOptions _options;
    private readonly string _directory;
    private readonly UpstreamHttp _http;
    private readonly UpstreamRaEnrolment _enrolment;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile UpstreamCertificates? _upstream;
    private volatile BrokerRa? _ra;
    private volatile BackendIdentity? _identity;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NdesUpstream(string profileName, NdesOptions options, string dataDirectory, TimeProvider time, ILogger logger, HttpMessageHandler? handler = null)
    {
        ProfileName = profileName;
        _options = options;
        _directory = Path.Combine(dataDirectory, "upstream", profileName);
        _http = new UpstreamHttp(options, handler);
        _enrolment = new UpstreamRaEnrolment(_directory, options.RaSubject, profileName);
        _time = time;
        _logger = logger;
    }

    public string ProfileName { get; }

    public NdesOptions Options => _options;

    public BackendIdentity? Identity => _identity;

    /// <summary>The upstream's capabilities and certificates as last fetched; null before the first success.</summary>
    public UpstreamCertificates? Upstream => _upstream;

    /// <summary>
    /// Fetches GetCACaps and GetCACert (falling back to the cached copy when the upstream cannot be reached and none is
    /// in memory), then makes sure the RA identity exists and is not close to expiry.
    /// </summary>
    /// <returns>Whether the profile is ready to serve devices.</returns>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RefreshCertificatesAsync(cancellationToken).ConfigureAwait(false);
            if (_upstream is { } upstream)
            {
                await EnsureRaAsync(upstream, cancellationToken).ConfigureAwait(false);
            }

            UpdateIdentity();
            return _identity is not null;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>Completes when someone asked for the profile while it was not ready; see <see cref="UpstreamCaRefresher"/>.</summary>
    internal Task Woken => Volatile.Read(ref _wake).Task;

    public void RequestRefresh() => Volatile.Read(ref _wake).TrySetResult();

    /// <summary>Starts a new wait for <see cref="RequestRefresh"/>, once the refresher has acted on the last one.</summary>
    internal void ResetWake()
    {
        if (Volatile.Read(ref _wake).Task.IsCompleted)
        {
            Volatile.Write(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
    }

    public async Task<UpstreamReply> SendAsync(UpstreamSubmission submission, bool poll, CancellationToken cancellationToken)
    {
        if (_identity is null && !await TryRefreshAsync(cancellationToken).ConfigureAwait(false))
        {
            return UpstreamReply.Unreachable("The upstream CA's certificates or the broker's RA certificate are not available yet.");
        }

        try
        {
            return await ExchangeAsync(submission, poll, cancellationToken).ConfigureAwait(false);
        }
        catch (UpstreamReplyException ex)
        {
            // A reply signed or encrypted for certificates we do not know may mean the upstream rolled its CA or RA:
            // fetch its certificates again and retry once.
            NdesLog.ReplyRejected(_logger, ProfileName, submission.TransactionId, ex.Message);
            if (!await TryRefreshAsync(cancellationToken).ConfigureAwait(false))
            {
                return UpstreamReply.Unreachable(ex.Message);
            }

            try
            {
                return await ExchangeAsync(submission, poll, cancellationToken).ConfigureAwait(false);
            }
            catch (UpstreamReplyException again)
            {
                return UpstreamReply.Unreachable(again.Message);
            }
        }
        catch (UpstreamUnreachableException ex)
        {
            // The algorithms were chosen before the upstream failed; the queue shows what the retries will use.
            IReadOnlySet<string> capabilities = _upstream!.Capabilities;
            return UpstreamReply.Unreachable(ex.Message) with
            {
                Cipher = CaCapabilities.StrongestCipher(capabilities).Name,
                Digest = Scep.Cms.DigestAlgorithms.DisplayName(CaCapabilities.StrongestDigest(capabilities)),
            };
        }
    }

    public async Task<string> FetchChallengeAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(_options.AdminUrl))
        {
            return _options.Challenge ?? throw new UpstreamChallengeException($"Profile {ProfileName} has no upstream challenge configured.");
        }

        byte[] page;
        try
        {
            page = await _http.GetAdminPageAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (UpstreamUnreachableException ex)
        {
            throw new UpstreamChallengeException($"The upstream's admin page could not be loaded: {ex.Message}", ex);
        }

        return NdesAdminPageParser.ReadPassword(page)
            ?? throw new UpstreamChallengeException("The upstream's admin page shows no challenge password.");
    }

    public void Dispose()
    {
        _http.Dispose();
        _refreshing.Dispose();
    }

    private async Task<UpstreamReply> ExchangeAsync(UpstreamSubmission submission, bool poll, CancellationToken cancellationToken)
    {
        UpstreamCertificates upstream = _upstream!;
        BrokerRa ra = _ra!;
        byte[] content = poll ? PkiRequest.IssuerAndSubject(upstream.IssuingCa.SubjectName, submission.Subject) : submission.CertificationRequest;
        UpstreamCertRep reply = await UpstreamExchange.RunAsync(
            _http, upstream, poll ? MessageType.CertPoll : MessageType.PkcsReq, submission.TransactionId, content,
            ra.SigningCertificate, ra.SigningKey, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        byte[] publicKey = Scep.CertificationRequest.Parse(submission.CertificationRequest).GetPublicKey().ExportSubjectPublicKeyInfo();
        return reply.Status switch
        {
            PkiStatus.Success when reply.IssuedFor(publicKey) is { } issued =>
                new UpstreamReply(UpstreamStatus.Issued, issued.RawData, null, $"Issued {issued.SerialNumber}.", reply.Cipher, reply.Digest),
            PkiStatus.Success => new UpstreamReply(UpstreamStatus.Refused, null, FailInfo.BadCertId, "SUCCESS without a certificate for the request's key.", reply.Cipher, reply.Digest),
            PkiStatus.Pending => new UpstreamReply(UpstreamStatus.Pending, null, null, "PENDING.", reply.Cipher, reply.Digest),
            _ => new UpstreamReply(UpstreamStatus.Refused, null, reply.FailInfo ?? FailInfo.BadRequest, $"FAILURE {reply.FailInfo?.ToRfcName()}.", reply.Cipher, reply.Digest),
        };
    }

    private async Task<bool> TryRefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is UpstreamUnreachableException or UpstreamReplyException or UpstreamChallengeException or IOException)
        {
            NdesLog.NotReady(_logger, ProfileName, ex.Message);
            return false;
        }
    }

    private async Task RefreshCertificatesAsync(CancellationToken cancellationToken)
    {
        try
        {
            IReadOnlySet<string> capabilities = await _http.GetCaCapsAsync(cancellationToken).ConfigureAwait(false);
            (byte[] body, IReadOnlyList<X509Certificate2> certificates) = await _http.GetCaCertAsync(cancellationToken).ConfigureAwait(false);
            var fetched = new UpstreamCertificates(capabilities, body, certificates, _time.GetUtcNow());
            bool changed = _upstream is not { } previous || !previous.CaCertBody.AsSpan().SequenceEqual(body);
            _upstream = fetched;
            Directory.CreateDirectory(_directory);
            await KeyFiles.WriteAtomicallyAsync(Path.Combine(_directory, CapsFile), System.Text.Encoding.ASCII.GetBytes(CaCapabilities.Format(capabilities)), KeyFiles.PublicFileMode, cancellationToken)
                .ConfigureAwait(false);
            await KeyFiles.WriteAtomicallyAsync(Path.Combine(_directory, CaCertFile), body, KeyFiles.PublicFileMode, cancellationToken).ConfigureAwait(false);
            if (changed)
            {
                NdesLog.Fetched(_logger, ProfileName, fetched.IssuingCa.Subject, fetched.IssuingCa.Thumbprint, string.Join(' ', capabilities));
            }
        }
        catch (UpstreamUnreachableException) when (_upstream is null && File.Exists(Path.Combine(_directory, CaCertFile)))
        {
            byte[] body = await File.ReadAllBytesAsync(Path.Combine(_directory, CaCertFile), cancellationToken).ConfigureAwait(false);
            string caps = await File.ReadAllTextAsync(Path.Combine(_directory, CapsFile), cancellationToken).ConfigureAwait(false);
            _upstream = new UpstreamCertificates(CaCapabilities.Parse(caps), body, UpstreamHttp.ParseCaCert(body), _time.GetUtcNow());
            NdesLog.UsingCache(_logger, ProfileName, _directory);
        }
    }

    private async Task EnsureRaAsync(UpstreamCertificates upstream, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(_options.RaCertificatePath))
        {
            if (_ra is null)
            {
                IReadOnlyList<X509Certificate2> certificates = await KeyFiles.ReadCertificatesAsync(_options.RaCertificatePath, "upstream RA", cancellationToken).ConfigureAwait(false);
                var key = await KeyFiles.ReadRsaPrivateKeyAsync(_options.RaKeyPath!, null, "upstream RA", cancellationToken).ConfigureAwait(false);
                _ra = new BrokerRa(certificates[0], key);
            }

            return;
        }

        _ra ??= await _enrolment.LoadAsync("ra", cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = _time.GetUtcNow();
        bool issuedByCurrentCa = _ra is not null && _ra.SigningCertificate.IssuerName.RawData.AsSpan().SequenceEqual(upstream.IssuingCa.SubjectName.RawData);
        if (_ra is not null && !_ra.IsDue(now) && issuedByCurrentCa)
        {
            return;
        }

        // First enrolment, the successor of an RA past 80% of its life, or one from the upstream's new CA after a
        // roll (devices expect the RA to chain to the CA in the same GetCACert); the current one serves meanwhile.
        string prefix = _ra is null ? "ra" : "ra-next";
        (BrokerRa? enrolled, string outcome) = await _enrolment.EnrolAsync(prefix, _http, upstream, FetchChallengeAsync, now, cancellationToken).ConfigureAwait(false);
        NdesLog.RaEnrolment(_logger, ProfileName, outcome);
        if (enrolled is not null)
        {
            if (prefix != "ra")
            {
                _enrolment.Promote(prefix, "ra");
            }

            _ra = enrolled;
        }
    }

    private void UpdateIdentity()
    {
        if (_upstream is { } upstream && _ra is { } ra
            && (_identity is not { } current || current.Ra != ra || !ReferenceEquals(current.CaChain, upstream.CaChain)))
        {
            _identity = new BackendIdentity(ra, upstream.CaChain);
        }
    }
}

using CertBroker.Scep.Cms;

namespace CertBroker.LoadGen;

/// <summary>How PKIOperation travels (RFC 8894 §4.1): POST body, or base64 in the GET query.</summary>
public enum ScepHttpMethod
{
    Post,
    Get,
}

/// <summary>What one load run does. Every transaction is sent once: messages are never cycled.</summary>
public sealed record LoadOptions
{
    /// <summary>Requests prepared for the timed run when neither <see cref="Count"/> nor <see cref="Duration"/> is given.</summary>
    public const int DefaultCount = 1000;

    /// <summary>Upper bound on messages prepared for a <see cref="Duration"/> run sized from the warm-up rate.</summary>
    public const int MaxPrepared = 200_000;

    /// <summary>The SCEP URL, e.g. <c>http://127.0.0.1:8080/scep</c>.</summary>
    public required Uri Url { get; init; }

    /// <summary>The challengePassword put in every CSR.</summary>
    public required string Challenge { get; init; }

    /// <summary>
    /// PKCSReq messages sent in the timed run. With <see cref="Duration"/> it is the supply the run may use up; when
    /// only <see cref="Duration"/> is given the supply is sized from the warm-up rate. Default <see cref="DefaultCount"/>.
    /// </summary>
    public int? Count { get; init; }

    /// <summary>Run for this long instead of (or at most, with <see cref="Count"/>) a fixed number of requests.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Requests in flight at once, each on its own connection. Default 64.</summary>
    public int Concurrency { get; init; } = 64;

    /// <summary>Default <see cref="ScepHttpMethod.Post"/>.</summary>
    public ScepHttpMethod Method { get; init; } = ScepHttpMethod.Post;

    /// <summary>The envelope cipher of every request. Default AES-128-CBC.</summary>
    public ContentEncryptionAlgorithm Cipher { get; init; } = ContentEncryptionAlgorithm.Aes128Cbc;

    /// <summary>Distinct RSA-2048 device keys, reused round-robin: key generation is not what is measured. Default 16.</summary>
    public int KeyPool { get; init; } = 16;

    /// <summary>Fully verify every S-th response (signer from GetCACert, decryption, chain, subject); 0 = none. Default 0.</summary>
    public int VerifySample { get; init; }

    /// <summary>Process whose utime+stime (/proc/PID/stat) is sampled around the timed run; null = not measured.</summary>
    public int? ServerPid { get; init; }

    /// <summary>
    /// More processes, by a name of the caller's, whose CPU with their children's (<see cref="ProcessCpu.ReadTreeTicks"/>)
    /// is read around the timed run, e.g. <c>postgres</c> and the postmaster's PID, or the nodes of a cluster. Default none.
    /// </summary>
    public IReadOnlyDictionary<string, int> MeasuredProcesses { get; init; } = new Dictionary<string, int>();

    /// <summary>Requests sent before the timed run and left out of its figures. Default 50.</summary>
    public int Warmup { get; init; } = 50;

    /// <summary>Time limit for one HTTP exchange. Default 60 seconds.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Every problem with these options, empty when they can be run.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!Url.IsAbsoluteUri || (Url.Scheme != Uri.UriSchemeHttp && Url.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"{nameof(Url)} must be an absolute http or https URL, got '{Url}'.");
        }

        if (Count is < 1 or > MaxPrepared)
        {
            problems.Add($"{nameof(Count)} must be between 1 and {MaxPrepared}, got {Count}.");
        }

        if (Duration is { } duration && duration <= TimeSpan.Zero)
        {
            problems.Add($"{nameof(Duration)} must be positive, got {duration}.");
        }

        if (Duration is not null && Count is null && Warmup == 0)
        {
            problems.Add($"{nameof(Duration)} without {nameof(Count)} sizes its message supply from the warm-up: {nameof(Warmup)} must be above 0.");
        }

        if (Concurrency is < 1 or > 4096)
        {
            problems.Add($"{nameof(Concurrency)} must be between 1 and 4096, got {Concurrency}.");
        }

        if (KeyPool < 1)
        {
            problems.Add($"{nameof(KeyPool)} must be at least 1, got {KeyPool}.");
        }

        if (VerifySample < 0)
        {
            problems.Add($"{nameof(VerifySample)} must be 0 (none) or more, got {VerifySample}.");
        }

        if (Warmup < 0)
        {
            problems.Add($"{nameof(Warmup)} must be 0 or more, got {Warmup}.");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{nameof(RequestTimeout)} must be positive, got {RequestTimeout}.");
        }

        if (ServerPid is { } pid && !ProcessCpu.Exists(pid))
        {
            problems.Add($"{nameof(ServerPid)} {pid}: /proc/{pid}/stat cannot be read.");
        }

        foreach ((string name, int measured) in MeasuredProcesses)
        {
            if (!ProcessCpu.Exists(measured))
            {
                problems.Add($"{nameof(MeasuredProcesses)} {name}={measured}: /proc/{measured}/stat cannot be read.");
            }
        }

        return problems;
    }
}

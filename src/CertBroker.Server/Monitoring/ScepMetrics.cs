namespace CertBroker.Server.Monitoring;

/// <summary>
/// SCEP request counts and durations. Recorded once per request after its response: a dictionary look-up on a
/// value-type key and a few interlocked adds, no allocation once a label combination has been seen. Label values
/// come from fixed sets (unknown operations count as <c>other</c>), so a client cannot create new series at will.
/// </summary>
internal sealed class ScepMetrics
{
    /// <summary>Request durations: 1 ms to 10 s, a little more than doubling per bucket.</summary>
    private static readonly double[] DurationBounds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly string[] Operations = ["GetCACaps", "GetCACert", "GetNextCACert", "PKIOperation"];

    public Counter Requests { get; } = new(
        "certbroker_scep_requests_total",
        "SCEP requests by operation, pkiMessage type (none outside PKIOperation) and status (the pkiStatus of a CertRep, otherwise the HTTP status code).",
        "operation", "message_type", "status");

    public Histogram Duration { get; } = new(
        "certbroker_scep_request_duration_seconds",
        "Time from receiving a SCEP request to its response, by operation.",
        DurationBounds,
        "operation");

    public void Record(string operation, string? messageType, string? pkiStatus, int httpStatus, TimeSpan elapsed)
    {
        string op = Operation(operation);
        Requests.Increment(new LabelValues(op, messageType ?? "none", pkiStatus ?? HttpStatusText(httpStatus)));
        Duration.Observe(new LabelValues(op), elapsed.TotalSeconds);
    }

    /// <summary>The operation as RFC 8894 §3.2 spells it, whatever case the client used; <c>other</c> when unknown.</summary>
    public static string Operation(string operation)
    {
        foreach (string known in Operations)
        {
            if (known.Equals(operation, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }

        return "other";
    }

    /// <summary>Cached texts of the status codes the handler writes, so recording them allocates nothing.</summary>
    private static string HttpStatusText(int status) => status switch
    {
        200 => "200",
        400 => "400",
        404 => "404",
        413 => "413",
        500 => "500",
        _ => "other",
    };
}

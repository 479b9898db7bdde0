using System.CommandLine;
using System.CommandLine.Parsing;
using CertBroker.LoadGen;
using CertBroker.Scep.Cms;

var url = new Option<Uri>("--url") { Description = "SCEP URL, e.g. http://127.0.0.1:8080/scep.", Required = true, CustomParser = ParseUrl };
var challenge = new Option<string>("--challenge") { Description = "challengePassword for every CSR.", Required = true };
var count = new Option<int?>("--count") { Description = $"PKCSReq to prepare and send in the timed run (default {LoadOptions.DefaultCount}; with --duration: the most it may send)." };
var duration = new Option<TimeSpan?>("--duration")
{
    Description = "Run for this long instead, e.g. 30s, 2m or 00:01:30. Every transaction is distinct: without --count the supply is sized from the warm-up rate.",
    CustomParser = ParseDuration,
};
var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight, one connection each.", DefaultValueFactory = _ => 64 };
var method = new Option<string>("--method") { Description = "PKIOperation over POST or GET.", DefaultValueFactory = _ => "post" };
method.AcceptOnlyFromAmong("post", "get");
var cipher = new Option<string>("--cipher") { Description = "Envelope cipher.", DefaultValueFactory = _ => "aes128" };
cipher.AcceptOnlyFromAmong("aes128", "aes256", "des3", "des");
var keyPool = new Option<int>("--key-pool") { Description = "Distinct RSA-2048 device keys, reused round-robin.", DefaultValueFactory = _ => 16 };
var verifySample = new Option<int>("--verify-sample") { Description = "Fully verify every S-th response (signer, decryption, chain to the CA, subject); 0 = none.", DefaultValueFactory = _ => 0 };
var serverPid = new Option<int?>("--server-pid") { Description = "Server process to read utime+stime of (/proc/PID/stat) around the timed run." };
var measure = new Option<string[]>("--measure")
{
    Description = "NAME=PID: also read the CPU of PID and its children (utime+stime+cutime+cstime, and its live children's) around the timed run, e.g. postgres=PID of the postmaster; repeatable.",
    CustomParser = ParseMeasured,
};
var warmup = new Option<int>("--warmup") { Description = "Requests sent before the timed run, left out of its figures.", DefaultValueFactory = _ => 50 };
var timeout = new Option<int>("--timeout") { Description = "Seconds one HTTP exchange may take.", DefaultValueFactory = _ => 60 };
var json = new Option<bool>("--json") { Description = "Also print the result as JSON on stdout; the text report then goes to stderr." };
var serialsOut = new Option<FileInfo?>("--serials-out") { Description = "Write the serial (hex) of every issued certificate, warm-up included, one a line, to this file." };

var root = new RootCommand("SCEP load generator: sends distinct PKCSReq messages to a SCEP server and reports throughput, latency, errors and server CPU per enrolment.")
{
    url, challenge, count, duration, concurrency, method, cipher, keyPool, verifySample, serverPid, measure, warmup, timeout, json, serialsOut,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var options = new LoadOptions
    {
        Url = parse.GetValue(url)!,
        Challenge = parse.GetValue(challenge)!,
        Count = parse.GetValue(count),
        Duration = parse.GetValue(duration),
        Concurrency = parse.GetValue(concurrency),
        Method = parse.GetValue(method) == "get" ? ScepHttpMethod.Get : ScepHttpMethod.Post,
        Cipher = parse.GetValue(cipher) switch
        {
            "aes256" => ContentEncryptionAlgorithm.Aes256Cbc,
            "des3" => ContentEncryptionAlgorithm.DesEde3Cbc,
            "des" => ContentEncryptionAlgorithm.DesCbc,
            _ => ContentEncryptionAlgorithm.Aes128Cbc,
        },
        KeyPool = parse.GetValue(keyPool),
        VerifySample = parse.GetValue(verifySample),
        ServerPid = parse.GetValue(serverPid),
        MeasuredProcesses = (parse.GetValue(measure) ?? []).Select(m => m.Split('=', 2))
            .ToDictionary(m => m[0], m => int.Parse(m[1], System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal),
        Warmup = parse.GetValue(warmup),
        RequestTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
    };
    IReadOnlyList<string> problems = options.Validate();
    if (problems.Count > 0)
    {
        foreach (string problem in problems)
        {
            await Console.Error.WriteLineAsync(problem).ConfigureAwait(false);
        }

        return 2;
    }

    bool asJson = parse.GetValue(json);
    LoadResult result;
    try
    {
        result = await new LoadRunner(options, Console.Error).RunAsync(cancellationToken).ConfigureAwait(false);
    }
    catch (HttpRequestException ex)
    {
        await Console.Error.WriteLineAsync($"{options.Url}: {ex.Message}").ConfigureAwait(false);
        return 2;
    }
    catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
    {
        await Console.Error.WriteLineAsync($"{options.Url}: GetCACaps or GetCACert timed out").ConfigureAwait(false);
        return 2;
    }
    catch (CertBroker.Scep.ScepFormatException ex)
    {
        await Console.Error.WriteLineAsync($"GetCACert: {ex.Message}").ConfigureAwait(false);
        return 2;
    }

    if (parse.GetValue(serialsOut) is { } serialsFile)
    {
        await File.WriteAllLinesAsync(serialsFile.FullName, result.IssuedSerials, cancellationToken).ConfigureAwait(false);
    }

    ReportWriter.WriteText(result, asJson ? Console.Error : Console.Out);
    if (asJson)
    {
        ReportWriter.WriteJson(result, Console.Out);
    }

    return result.Passed ? 0 : 1;
});
ParseResult parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // Usage errors exit 2, like the option problems above: 1 means the run itself found errors.
    foreach (ParseError error in parsed.Errors)
    {
        await Console.Error.WriteLineAsync(error.Message).ConfigureAwait(false);
    }

    return 2;
}

return await parsed.InvokeAsync().ConfigureAwait(false);

static Uri? ParseUrl(ArgumentResult result)
{
    string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
    if (Uri.TryCreate(text, UriKind.Absolute, out Uri? parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps))
    {
        return parsed;
    }

    result.AddError($"--url '{text}' is not an absolute http or https URL.");
    return null;
}

static string[] ParseMeasured(ArgumentResult result)
{
    var names = new HashSet<string>(StringComparer.Ordinal);
    foreach (string text in result.Tokens.Select(t => t.Value))
    {
        string[] parts = text.Split('=', 2);
        if (parts.Length != 2 || parts[0].Length == 0 || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            result.AddError($"--measure '{text}' is not NAME=PID.");
        }
        else if (!names.Add(parts[0]))
        {
            result.AddError($"--measure names '{parts[0]}' twice.");
        }
    }

    return [.. result.Tokens.Select(t => t.Value)];
}

static TimeSpan? ParseDuration(ArgumentResult result)
{
    string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
    TimeSpan? parsed = text.Length > 1 && double.TryParse(text[..^1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double value)
        ? text[^1] switch
        {
            's' => TimeSpan.FromSeconds(value),
            'm' => TimeSpan.FromMinutes(value),
            'h' => TimeSpan.FromHours(value),
            _ => null,
        }
        : null;
    if (parsed is null && TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out TimeSpan span))
    {
        parsed = span;
    }

    if (parsed is null)
    {
        result.AddError($"--duration '{text}' is not a duration such as 30s, 2m or 00:01:30.");
    }

    return parsed;
}

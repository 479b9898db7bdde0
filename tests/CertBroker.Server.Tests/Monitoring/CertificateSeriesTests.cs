using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests.Monitoring;

/// <summary>
/// Expiry counts by profile, state and bucket, and the per-certificate series window with its cap, as a scraper reads
/// them. The test that moves the clock gets a broker of its own: a fake clock only goes forward.
/// </summary>
public sealed class CertificateSeriesTests(SeriesBroker broker) : IClassFixture<SeriesBroker>
{
    [Fact]
    public async Task Scrape_CountsByProfileStateAndBucket_EveryPossibleCombinationWithItsCount()
    {
        PrometheusText metrics = await ScrapeAsync();

        Assert.Equal(
            new Dictionary<string, double>
            {
                ["expired/expired"] = 0,
                ["expiring/1d"] = 1,
                ["expiring/7d"] = 2,
                ["expiring/30d"] = 2,
                ["valid/30d"] = 0,
                ["renewal_due/30d"] = 0,
                ["valid/90d"] = 0,
                ["renewal_due/90d"] = 0,
                ["valid/later"] = 0,
                ["renewal_due/later"] = 0,
            },
            ByExpiry(metrics, "default"));
        Dictionary<string, double> branch = ByExpiry(metrics, "branch");
        Assert.Equal(1, branch["expired/expired"]);
        Assert.Equal(1, branch["valid/30d"]);
        Assert.Equal(1, branch["renewal_due/90d"]);
        Assert.Equal(3, branch.Values.Sum());
        Assert.Equal(1, metrics.Named("certbroker_certificates").Single(s => s.Label("state") == "expired").Value);
    }

    [Fact]
    public async Task Scrape_WindowHoldsMoreThanTheLimit_SeriesForTheFirstToEndAndTheRestCountedAsOmitted()
    {
        PrometheusText metrics = await ScrapeAsync();

        Assert.Equal(["d02h", "d03d"], metrics.Named("certbroker_certificate_not_after_timestamp_seconds").Select(s => s.Label("serial")));
        Assert.Equal(["d02h", "d03d"], metrics.Named("certbroker_certificate_info").Select(s => s.Label("serial")));
        // d07d and d10d (the window's last day, inclusive) are inside the window but over the limit; d12d is outside.
        Assert.Equal(2, Assert.Single(metrics.Named("certbroker_certificate_series_omitted")).Value);
    }

    [Fact]
    public async Task Scrape_ClockMovesOnEightDays_CertificatesMoveToNearerBucketsAndTheWindowFollows()
    {
        var own = new SeriesBroker();
        await own.InitializeAsync();
        try
        {
            own.Clock.Advance(TimeSpan.FromDays(8));
            PrometheusText metrics = await ScrapeAsync(own);

            Dictionary<string, double> byDefault = ByExpiry(metrics, "default");
            Assert.Equal(3, byDefault["expired/expired"]);
            Assert.Equal(2, byDefault["expiring/7d"]);
            Assert.Equal(0, byDefault["expiring/30d"]);
            Dictionary<string, double> branch = ByExpiry(metrics, "branch");
            Assert.Equal(1, branch["expiring/30d"]);
            Assert.Equal(1, branch["renewal_due/90d"]);
            Assert.Equal(4, metrics.Named("certbroker_certificates").Single(s => s.Label("state") == "expired").Value);
            // The window now holds d10d and d12d only (b20d ends in 12 days): both get series, none is left out.
            Assert.Equal(["d10d", "d12d"], metrics.Named("certbroker_certificate_not_after_timestamp_seconds").Select(s => s.Label("serial")));
            Assert.Equal(0, Assert.Single(metrics.Named("certbroker_certificate_series_omitted")).Value);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    private static Dictionary<string, double> ByExpiry(PrometheusText metrics, string profile) =>
        metrics.Named("certbroker_certificates_by_expiry")
            .Where(s => s.Label("profile") == profile)
            .ToDictionary(s => s.Label("state") + "/" + s.Label("expires_in"), s => s.Value);

    private Task<PrometheusText> ScrapeAsync() => ScrapeAsync(broker);

    private static async Task<PrometheusText> ScrapeAsync(SeriesBroker from)
    {
        using HttpClient client = from.Host.CreateClient();
        client.DefaultRequestHeaders.Authorization = AdminHttp.Bearer(SeriesBroker.MonitoringTokenSecret);
        HttpResponseMessage response = await client.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }
}

using System.Net;
using System.Net.Http.Headers;
using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests.Monitoring;

/// <summary><c>/metrics</c> read as Prometheus would: format, inventory figures, SCEP instruments, access.</summary>
public sealed class MetricsTests(ReportBroker broker) : IClassFixture<ReportBroker>
{
    [Fact]
    public async Task Scrape_TextFormat004_EveryFamilyHasHelpAndTypeAndTheProductPrefix()
    {
        HttpResponseMessage response = await ScrapeResponseAsync(AdminHttp.Bearer(ReportBroker.MonitoringTokenSecret));
        PrometheusText metrics = PrometheusText.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.All(metrics.Types.Keys, name => Assert.StartsWith("certbroker_", name, StringComparison.Ordinal));
        Assert.All(metrics.Types.Where(t => t.Value == "counter"), t => Assert.EndsWith("_total", t.Key, StringComparison.Ordinal));
        Assert.All(metrics.Types.Keys.Where(n => n.Contains("timestamp", StringComparison.Ordinal)), n => Assert.EndsWith("_seconds", n, StringComparison.Ordinal));
        Assert.All(metrics.Help.Values, help => Assert.False(string.IsNullOrWhiteSpace(help)));
    }

    [Fact]
    public async Task Scrape_CountsByState_MatchTheInventory()
    {
        PrometheusText metrics = await ScrapeAsync();

        Dictionary<string, double> byState = metrics.Named("certbroker_certificates").ToDictionary(s => s.Label("state"), s => s.Value);
        Assert.Equal(
            new Dictionary<string, double> { ["valid"] = 1, ["renewal_due"] = 1, ["expiring"] = 1, ["expired"] = 1, ["revoked"] = 1, ["superseded"] = 1 },
            byState);
        Dictionary<string, double> expiring = metrics.Named("certbroker_certificates_expiring").ToDictionary(s => s.Label("within_days"), s => s.Value);
        Assert.Equal(0, expiring["1"]);
        Assert.Equal(1, expiring["7"]);
        Assert.Equal(1, expiring["28"]);
        Assert.Equal(2, expiring["60"]);
        Assert.Equal(2, expiring["90"]);
        Assert.Equal(1, metrics.Named("certbroker_policy_findings").Single(s => s.Label("rule") == "WC-RSA-01" && s.Label("severity") == "fail").Value);
        Assert.Equal(1, metrics.Named("certbroker_renewal_last_result_certificates").Single(s => s.Label("result") == "refused").Value);
    }

    [Fact]
    public async Task Scrape_PerCertificateSeries_OnlyInsideTheWindow_WithAbsoluteTimestamps()
    {
        PrometheusText metrics = await ScrapeAsync();

        PrometheusSample notAfter = Assert.Single(metrics.Named("certbroker_certificate_not_after_timestamp_seconds"));
        Assert.Equal("0a03", notAfter.Label("serial"));
        Assert.Equal(broker.Start.AddDays(5).AddHours(1).ToUnixTimeSeconds(), notAfter.Value);
        Assert.Equal("=HYPERLINK(\"http://attacker\"),\"quoted\"", notAfter.Label("subject"));
        PrometheusSample info = Assert.Single(metrics.Named("certbroker_certificate_info"));
        Assert.Equal(("EC", "256", "P-256", "sha256ECDSA", "expiring", "WC-EC-01,WC-SIG-01"),
            (info.Label("key_algorithm"), info.Label("key_size"), info.Label("curve"), info.Label("signature_algorithm"), info.Label("state"), info.Label("findings")));
        PrometheusSample due = Assert.Single(metrics.Named("certbroker_certificate_renewal_due_timestamp_seconds"));
        Assert.Equal(broker.Start.AddDays(2).ToUnixTimeSeconds(), due.Value);
        Assert.Equal("0a03", due.Label("serial"));
    }

    [Fact]
    public async Task Scrape_CaRaAndCrl_Timestamps()
    {
        PrometheusText metrics = await ScrapeAsync();

        Assert.Contains(metrics.Named("certbroker_ca_certificate_not_after_timestamp_seconds"), s => s.Label("role") == "ca" && s.Value > broker.Start.ToUnixTimeSeconds());
        Assert.Contains(metrics.Named("certbroker_ca_certificate_not_after_timestamp_seconds"), s => s.Label("role") == "ra");
        Assert.True(Assert.Single(metrics.Named("certbroker_crl_next_update_timestamp_seconds")).Value > DateTimeOffset.UtcNow.AddDays(-365).ToUnixTimeSeconds());
    }

    [Fact]
    public async Task ScepRequests_CountedByOperationAndStatus_HistogramCumulativeWithInf()
    {
        using HttpClient scep = broker.Host.CreateClient();
        for (int i = 0; i < 3; i++)
        {
            await scep.GetAsync("/scep?operation=GetCACaps");
        }

        await scep.GetAsync("/scep?operation=Bogus%0A%22");
        PrometheusText metrics = await ScrapeAsync();

        Assert.True(metrics.Named("certbroker_scep_requests_total")
            .Single(s => s.Label("operation") == "GetCACaps" && s.Label("message_type") == "none" && s.Label("status") == "200").Value >= 3);
        Assert.Contains(metrics.Named("certbroker_scep_requests_total"), s => s.Label("operation") == "other" && s.Label("status") == "400");
        Assert.Equal("histogram", metrics.Types["certbroker_scep_request_duration_seconds"]);
        foreach (IGrouping<string, PrometheusSample> series in metrics.Named("certbroker_scep_request_duration_seconds_bucket").GroupBy(s => s.Label("operation")))
        {
            double[] counts = [.. series.Select(s => s.Value)];
            Assert.Equal("+Inf", series.Last().Label("le"));
            Assert.True(counts.Zip(counts.Skip(1)).All(pair => pair.First <= pair.Second), "buckets must be cumulative");
            double count = metrics.Named("certbroker_scep_request_duration_seconds_count").Single(s => s.Label("operation") == series.Key).Value;
            Assert.Equal(count, counts[^1]);
            double total = metrics.Named("certbroker_scep_requests_total").Where(s => s.Label("operation") == series.Key).Sum(s => s.Value);
            Assert.True(count >= total - 1 && count <= total + 1, "one request may sit between the two instruments while scraping");
        }
    }

    [Fact]
    public async Task Access_TokenMonitoringAuditorAndAdministrator_Admitted_AnonymousAndBadTokenGet401()
    {
        string auditor = await AdminHttp.CreateTokenAsync(broker.Host.Services, Core.Accounts.Role.Auditor, "metrics-auditor");

        Assert.Equal(HttpStatusCode.OK, (await ScrapeResponseAsync(AdminHttp.Bearer(ReportBroker.MonitoringTokenSecret))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ScrapeResponseAsync(AdminHttp.Bearer(broker.MonitoringRoleToken))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ScrapeResponseAsync(AdminHttp.Bearer(auditor))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ScrapeResponseAsync(AdminHttp.Admin)).StatusCode);
        await AdminHttp.AssertProblemAsync(await ScrapeResponseAsync(null), 401);
        await AdminHttp.AssertProblemAsync(await ScrapeResponseAsync(AdminHttp.Bearer("not-the-monitoring-token-0123456789abcdef")), 401);
    }

    private async Task<PrometheusText> ScrapeAsync()
    {
        HttpResponseMessage response = await ScrapeResponseAsync(AdminHttp.Bearer(ReportBroker.MonitoringTokenSecret));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    private async Task<HttpResponseMessage> ScrapeResponseAsync(AuthenticationHeaderValue? authorization)
    {
        using HttpClient client = broker.Host.CreateClient();
        client.DefaultRequestHeaders.Authorization = authorization;
        return await client.GetAsync("/metrics");
    }
}

using Gateway.Core.Compression;
using Microsoft.Extensions.Configuration;

namespace Gateway.Server.Tests.Compression;

/// <summary>Policy matching: the defaults of the issue, the first matching rule winning, every condition, and binding from configuration.</summary>
public sealed class CompressionPolicyTests
{
    private const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";

    [Theory]
    [InlineData("CT", "MONOCHROME2")]
    [InlineData("MR", "MONOCHROME2")]
    [InlineData("CR", "MONOCHROME1")]
    [InlineData("DX", "MONOCHROME1")]
    [InlineData("xa", "monochrome2")]
    public void By_default_monochrome_CT_MR_CR_DX_and_XA_may_be_latent_latent_residual_or_j2k_lossy_at_30_dB_and_SSIM_0_8_keeping_the_f16_latent(string modality, string photometric)
    {
        var action = new CompressionPolicy(new CompressionOptions()).Choose(Subject(modality, photometric));

        AssertLossy(action, "compact-f16-c2", 30, 0.80, [Representation.Latent, Representation.LatentResidual, Representation.J2kLossy]);
        Assert.True(action.KeepLatent);
        Assert.Null(action.Target.MaxRatio);
    }

    [Theory]
    [InlineData("MG", "MONOCHROME2")]
    [InlineData("CT", "RGB")]
    [InlineData("US", "YBR_FULL_422")]
    [InlineData("XA", "PALETTE COLOR")]
    [InlineData("US", "MONOCHROME2")]
    [InlineData("OT", "MONOCHROME2")]
    [InlineData(null, "MONOCHROME2")]
    [InlineData("CT", null)]
    public void By_default_colour_mammography_and_anything_unknown_are_stored_lossless(string? modality, string? photometric)
    {
        var action = new CompressionPolicy(new CompressionOptions()).Choose(Subject(modality, photometric));

        Assert.Equal(CompressionAction.Lossless, action);
    }

    [Fact]
    public void The_first_matching_rule_wins_and_no_match_means_lossless()
    {
        var options = new CompressionOptions
        {
            Rules =
            [
                new CompressionRule { CallingAETitles = ["RESEARCH"], Action = CompressionActionKind.KeepOriginal },
                new CompressionRule { Modalities = ["CT"], Action = CompressionActionKind.Latent, Model = "compact-f64-c1", MinPsnr = 35 },
                new CompressionRule { Modalities = ["CT", "MR"], Action = CompressionActionKind.Latent },
            ],
        };
        var policy = new CompressionPolicy(options);

        Assert.Equal(CompressionAction.KeepOriginal, policy.Choose(Subject("CT", "MONOCHROME2") with { CallingAE = "RESEARCH  " }));
        AssertLossy(policy.Choose(Subject("CT", "MONOCHROME2")), "compact-f64-c1", 35, 0.80, CompressionAction.DefaultLossy);
        AssertLossy(policy.Choose(Subject("MR", "MONOCHROME2")), "compact-f16-c2", 30, 0.80, CompressionAction.DefaultLossy);
        Assert.Equal(CompressionAction.Lossless, policy.Choose(Subject("CR", "MONOCHROME2")));
    }

    [Fact]
    public void Every_condition_of_a_rule_must_hold()
    {
        var rule = new CompressionRule
        {
            Modalities = ["CT"],
            SopClassUids = [CtImageStorage],
            CallingAETitles = ["SCANNER1"],
            BodyParts = ["CHEST"],
            PhotometricInterpretations = ["MONOCHROME2"],
            MinRows = 256,
            MaxRows = 1024,
            MinColumns = 256,
            MaxColumns = 1024,
            Action = CompressionActionKind.KeepOriginal,
        };
        var match = new CompressionSubject("CT", CtImageStorage, "SCANNER1", "chest", "MONOCHROME2", 512, 512);

        Assert.True(rule.Matches(match));
        Assert.True(rule.Matches(match with { Rows = 256, Columns = 1024 }));
        Assert.False(rule.Matches(match with { Modality = "MR" }));
        Assert.False(rule.Matches(match with { SopClassUid = "1.2.840.10008.5.1.4.1.1.4" }));
        Assert.False(rule.Matches(match with { CallingAE = "scanner1" }));
        Assert.False(rule.Matches(match with { CallingAE = null }));
        Assert.False(rule.Matches(match with { BodyPartExamined = "HEAD" }));
        Assert.False(rule.Matches(match with { PhotometricInterpretation = "MONOCHROME1" }));
        Assert.False(rule.Matches(match with { Rows = 255 }));
        Assert.False(rule.Matches(match with { Rows = 1025 }));
        Assert.False(rule.Matches(match with { Columns = 255 }));
        Assert.False(rule.Matches(match with { Columns = 1025 }));
    }

    [Fact]
    public void Options_bind_from_the_Gateway_Compression_section_with_double_underscore_environment_names()
    {
        var prefix = "MEDVAE_TEST_" + Guid.NewGuid().ToString("N")[..8] + "_";
        var variables = new Dictionary<string, string>
        {
            ["GATEWAY__COMPRESSION__ENABLED"] = "false",
            ["GATEWAY__COMPRESSION__RETENTIONDAYS"] = "7",
            ["GATEWAY__COMPRESSION__RULES__0__MODALITIES__0"] = "US",
            ["GATEWAY__COMPRESSION__RULES__0__ACTION"] = "KeepOriginal",
            ["GATEWAY__COMPRESSION__RULES__1__MODALITIES__0"] = "CT",
            ["GATEWAY__COMPRESSION__RULES__1__MAXROWS"] = "600",
            ["GATEWAY__COMPRESSION__RULES__1__ACTION"] = "Latent",
            ["GATEWAY__COMPRESSION__RULES__1__MINPSNR"] = "36.5",
        };
        foreach (var (name, value) in variables)
        {
            Environment.SetEnvironmentVariable(prefix + name, value);
        }

        CompressionOptions options;
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();
            options = configuration.GetSection(CompressionOptions.SectionName).Get<CompressionOptions>()!;
        }
        finally
        {
            foreach (var name in variables.Keys)
            {
                Environment.SetEnvironmentVariable(prefix + name, null);
            }
        }

        Assert.False(options.Enabled);
        Assert.Equal(TimeSpan.FromDays(7), options.Retention);
        Assert.Equal(2, options.Rules.Count);
        var policy = new CompressionPolicy(options);
        Assert.Equal(CompressionAction.KeepOriginal, policy.Choose(Subject("US", "MONOCHROME2")));
        AssertLossy(policy.Choose(Subject("CT", "MONOCHROME2")), "compact-f16-c2", 36.5, 0.80, CompressionAction.DefaultLossy);
        Assert.Equal(CompressionAction.Lossless, policy.Choose(Subject("CT", "MONOCHROME2") with { Rows = 601 }));
    }

    [Fact]
    public void A_target_is_met_only_when_PSNR_SSIM_and_the_maximum_error_all_reach_their_bounds_and_the_cap_bounds_the_ratio()
    {
        var target = new QualityTarget(30, 0.8, 4, 8);

        Assert.True(target.Meets(new QualityMeasure(30, 0.8, 4)));
        Assert.False(target.Meets(new QualityMeasure(29.99, 0.99, 0)));
        Assert.False(target.Meets(new QualityMeasure(45, 0.79, 0)));
        Assert.False(target.Meets(new QualityMeasure(45, 0.99, 5)));
        Assert.False(target.Meets(new QualityMeasure(45, 0.99)));
        Assert.True(new QualityTarget(30, null, null, null).Meets(new QualityMeasure(30, double.NaN)));
        Assert.True(target.AllowsRatio(800, 100));
        Assert.False(target.AllowsRatio(801, 100));
        Assert.Equal(100, target.MinBytes(800));
    }

    [Fact]
    public void A_rule_names_its_representations_and_target_with_the_contracts_settings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Compression:Rules:0:Modalities:0"] = "CT",
            ["Gateway:Compression:Rules:0:Representations:0"] = "J2kLossy",
            ["Gateway:Compression:Rules:0:MinPsnr"] = "35",
            ["Gateway:Compression:Rules:1:Modalities:0"] = "MR",
            ["Gateway:Compression:Rules:1:Representations:0"] = "LatentResidual",
            ["Gateway:Compression:Rules:1:MaxAbsError"] = "3",
            ["Gateway:Compression:Rules:2:Modalities:0"] = "CR",
            ["Gateway:Compression:Rules:2:Action"] = "Lossless",
            ["Gateway:Compression:Rules:2:KeepLatent"] = "true",
            ["Gateway:Compression:Rules:3:Modalities:0"] = "DX",
            ["Gateway:Compression:Rules:3:Representations:0"] = "Lossless",
        }).Build();
        var options = configuration.GetSection(CompressionOptions.SectionName).Get<CompressionOptions>()!;
        var policy = new CompressionPolicy(options);

        var ct = policy.Choose(Subject("CT", "MONOCHROME2"));
        AssertLossy(ct, "compact-f16-c2", 35, 0.80, [Representation.J2kLossy]);
        Assert.False(ct.KeepLatent); // no latent representation: no model applies unless the rule says KeepLatent
        Assert.False(ct.NeedsModel);

        var mr = policy.Choose(Subject("MR", "MONOCHROME2"));
        Assert.Equal(new QualityTarget(null, null, 3, null), mr.Target);
        Assert.Equal([Representation.LatentResidual], mr.Representations);
        Assert.True(mr.KeepLatent);

        var cr = policy.Choose(Subject("CR", "MONOCHROME2"));
        Assert.Equal(CompressionActionKind.Lossless, cr.Kind);
        Assert.True(cr.KeepLatent);
        Assert.True(cr.NeedsModel);
        Assert.Equal(CompressionAction.Lossless, policy.Choose(Subject("DX", "MONOCHROME2")));
    }

    [Theory]
    [InlineData("CT", 8.0)]
    [InlineData("MR", 7.0)]
    [InlineData("CR", 10.0)]
    [InlineData("DX", 10.0)]
    [InlineData("XA", null)]
    public void The_German_preset_caps_the_ratio_by_modality_and_a_rules_MaxRatio_or_MaxRatios_wins(string modality, double? cap)
    {
        var preset = new CompressionPolicy(new CompressionOptions { MaxRatioPreset = MaxRatioPreset.German });
        Assert.Equal(cap, preset.Choose(Subject(modality, "MONOCHROME2")).Target.MaxRatio);

        var site = new CompressionOptions { MaxRatioPreset = MaxRatioPreset.German, MaxRatios = { ["CT"] = 15 } };
        Assert.Equal(modality == "CT" ? 15 : cap, new CompressionPolicy(site).Choose(Subject(modality, "MONOCHROME2")).Target.MaxRatio);

        var rule = new CompressionOptions { MaxRatioPreset = MaxRatioPreset.German, Rules = [new CompressionRule { Action = CompressionActionKind.Latent, MaxRatio = 24 }] };
        Assert.Equal(24, new CompressionPolicy(rule).Choose(Subject(modality, "MONOCHROME2")).Target.MaxRatio);
        Assert.Equal(15, MaxRatioPresets.CapOf(MaxRatioPreset.German, "MG"));
    }

    private static void AssertLossy(CompressionAction action, string model, double minPsnr, double minSsim, IReadOnlyList<Representation> representations)
    {
        Assert.Equal(CompressionActionKind.Latent, action.Kind);
        Assert.Equal(model, action.ModelId);
        Assert.Equal(minPsnr, action.Target.MinPsnr);
        Assert.Equal(minSsim, action.Target.MinSsim);
        Assert.Null(action.Target.MaxAbsError);
        Assert.Equal(representations, action.Representations);
    }

    private static CompressionSubject Subject(string? modality, string? photometric) =>
        new(modality, CtImageStorage, "MODALITY", null, photometric, 512, 512);
}

"""Each provider client against a real local fake server that checks the request as the vendor
documents it (method, path, auth, signature recomputed here) and answers in the vendor's format,
errors included."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import pytest

from app.translation.providers import (
    AuthError,
    BadResponse,
    ProviderSettings,
    ProviderTimeout,
    QuotaError,
    RateLimited,
    RejectedOutput,
    UnknownProvider,
    provider_class,
)
from app.translation.providers.keys import get_key, set_key
from tests.translation_fake import FakeServer, Reply

SRC = "生成式人工智能服务管理暂行办法"
EN = "Interim Measures for the Management of Generative AI Services"


def make(name, server, key="k-123", **kw):
    settings = ProviderSettings(base_url=server.url, timeout=2.0, retries=2, backoff=0.01, **kw)
    return provider_class(name)(settings, key)


# -- OpenAI-compatible ---------------------------------------------------------------------


def test_openai_sends_glossary_hints_and_reads_choice():
    def handler(req):
        assert req.method == "POST" and req.path == "/v1/chat/completions"
        assert req.headers["authorization"] == "Bearer k-123"
        body = req.json()
        assert body["model"] == "qwen2.5:7b" and body["temperature"] == 0
        assert (
            "生成式人工智能 = generative artificial intelligence" in body["messages"][0]["content"]
        )
        assert body["messages"][1]["content"] == SRC
        return Reply(body={"choices": [{"message": {"role": "assistant", "content": f'"{EN}"'}}]})

    with FakeServer(handler) as srv:
        p = provider_class("openai")(
            ProviderSettings(base_url=srv.url + "/v1", model="qwen2.5:7b", timeout=2), "k-123"
        )
        out = p.translate(
            [SRC], {"生成式人工智能": "generative artificial intelligence", "无关": "x"}
        )
    assert out == [EN]  # quotes stripped


def test_openai_test_lists_models_and_checks_model():
    with FakeServer(
        lambda r: Reply(body={"object": "list", "data": [{"id": "qwen2.5:7b"}]})
    ) as srv:
        ok = provider_class("openai")(ProviderSettings(base_url=srv.url, model="qwen2.5:7b"), None)
        assert "1 model" in ok.test()
        assert srv.requests[0].path == "/models" and "authorization" not in srv.requests[0].headers


def test_openai_output_still_chinese_is_rejected():
    reply = {"choices": [{"message": {"content": "生成式人工智能服务管理暂行办法 (Interim)"}}]}
    with FakeServer(lambda r: Reply(body=reply)) as srv:
        with pytest.raises(RejectedOutput, match="mostly Chinese"):
            make("openai", srv, model="m").translate([SRC])


def test_openai_absurdly_long_and_empty_output_rejected():
    replies = iter([{"choices": [{"message": {"content": "word " * 400}}]},
                    {"choices": [{"message": {"content": "  "}}]}])  # fmt: skip
    with FakeServer(lambda r: Reply(body=next(replies))) as srv:
        p = make("openai", srv, model="m")
        with pytest.raises(RejectedOutput, match="longer"):
            p.translate([SRC])
        with pytest.raises(RejectedOutput, match="empty"):
            p.translate([SRC])


def test_garbage_json_is_a_bad_response():
    with FakeServer(lambda r: Reply(body="<html>proxy error</html>")) as srv:
        with pytest.raises(BadResponse, match="not JSON"):
            make("openai", srv, model="m").translate([SRC])


def test_timeout_is_retried_then_reported():
    with FakeServer(lambda r: Reply(body={}, delay=0.6)) as srv:
        p = provider_class("openai")(
            ProviderSettings(base_url=srv.url, model="m", timeout=0.2, retries=1, backoff=0.01),
            None,
        )
        with pytest.raises(ProviderTimeout, match="did not answer within 0.2 seconds"):
            p.translate([SRC])
        assert p.requests == 2


# -- DeepL ----------------------------------------------------------------------------------


def test_deepl_request_and_free_key_host():
    def handler(req):
        assert req.method == "POST" and req.path == "/v2/translate"
        assert req.headers["authorization"] == "DeepL-Auth-Key abc:fx"
        assert req.json() == {"text": [SRC], "source_lang": "ZH", "target_lang": "EN-US"}
        return Reply(body={"translations": [{"detected_source_language": "ZH", "text": EN}]})

    with FakeServer(handler) as srv:
        assert make("deepl", srv, key="abc:fx").translate([SRC]) == [EN]
    cls = provider_class("deepl")
    assert cls(ProviderSettings(), "abc:fx").base_url == "https://api-free.deepl.com"
    assert cls(ProviderSettings(), "abc").base_url == "https://api.deepl.com"


def test_deepl_429_retried_with_backoff_then_succeeds():
    replies = iter(
        [Reply(429, {"message": "Too many requests"}), Reply(body={"translations": [{"text": EN}]})]
    )
    with FakeServer(lambda r: next(replies)) as srv:
        p = make("deepl", srv)
        assert p.translate([SRC]) == [EN]
        assert p.requests == 2


@pytest.mark.parametrize(
    ("status", "error", "calls"), [(403, AuthError, 1), (456, QuotaError, 1), (429, RateLimited, 3)]
)
def test_deepl_errors(status, error, calls):
    with FakeServer(lambda r: Reply(status, {"message": "nope"})) as srv:
        p = make("deepl", srv)
        with pytest.raises(error):
            p.translate([SRC])
        assert len(srv.requests) == calls  # quota and auth are never retried


def test_deepl_test_uses_usage_endpoint():
    with FakeServer(
        lambda r: Reply(body={"character_count": 10, "character_limit": 500000})
    ) as srv:
        assert "10 of 500000" in make("deepl", srv).test()
        assert srv.requests[0].method == "GET" and srv.requests[0].path == "/v2/usage"


# -- Microsoft -----------------------------------------------------------------------------


def test_microsoft_request_shape():
    def handler(req):
        assert req.path == "/translate"
        assert req.query == {"api-version": ["3.0"], "from": ["zh-Hans"], "to": ["en"]}
        assert req.headers["ocp-apim-subscription-key"] == "k-123"
        assert req.headers["ocp-apim-subscription-region"] == "westeurope"
        assert req.json() == [{"Text": SRC}]
        return Reply(body=[{"translations": [{"text": EN, "to": "en"}]}])

    with FakeServer(handler) as srv:
        assert make("microsoft", srv, region="westeurope").translate([SRC]) == [EN]


def test_microsoft_401_is_auth_error():
    body = {"error": {"code": 401000, "message": "The request is not authorized"}}
    with FakeServer(lambda r: Reply(401, body)) as srv:
        with pytest.raises(AuthError, match="401000"):
            make("microsoft", srv).translate([SRC])
        assert len(srv.requests) == 1


def test_microsoft_403001_is_quota():
    with FakeServer(lambda r: Reply(403, {"error": {"code": 403001, "message": "quota"}})) as srv:
        with pytest.raises(QuotaError):
            make("microsoft", srv).translate([SRC])


# -- Google v2 -------------------------------------------------------------------------------


def test_google_v2_request_and_errors():
    def handler(req):
        assert req.path == "/language/translate/v2" and req.query["key"] == ["k-123"]
        assert req.json() == {"q": [SRC], "source": "zh-CN", "target": "en", "format": "text"}
        return Reply(body={"data": {"translations": [{"translatedText": EN}]}})

    with FakeServer(handler) as srv:
        assert make("google", srv).translate([SRC]) == [EN]
    bad_key = {"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.",
                         "status": "INVALID_ARGUMENT"}}  # fmt: skip
    with FakeServer(lambda r: Reply(400, bad_key)) as srv:
        with pytest.raises(AuthError, match="API key not valid"):
            make("google", srv).translate([SRC])
    quota = {
        "error": {"code": 403, "message": "Daily Limit Exceeded", "status": "RESOURCE_EXHAUSTED"}
    }
    with FakeServer(lambda r: Reply(403, quota)) as srv:
        with pytest.raises(QuotaError):
            make("google", srv).translate([SRC])


# -- LibreTranslate ------------------------------------------------------------------------


def test_libretranslate_picks_chinese_code_from_languages():
    def handler(req):
        if req.path == "/languages":
            return Reply(
                body=[{"code": "en", "name": "English"}, {"code": "zh-Hans", "name": "Chinese"}]
            )
        assert req.json() == {"q": [SRC], "source": "zh-Hans", "target": "en", "format": "text",
                              "api_key": "k-123"}  # fmt: skip
        return Reply(body={"translatedText": [EN]})

    with FakeServer(handler) as srv:
        p = make("libretranslate", srv)
        assert p.translate([SRC]) == [EN]
        assert p.translate([SRC]) == [EN]
        assert [r.path for r in srv.requests].count("/languages") == 1


def test_libretranslate_error_shape():
    def handler(req):
        if req.path == "/languages":
            return Reply(body=[{"code": "zh"}])
        return Reply(403, {"error": "Invalid API key"})

    with FakeServer(handler) as srv:
        with pytest.raises(AuthError, match="Invalid API key"):
            make("libretranslate", srv).translate([SRC])


# -- Baidu -----------------------------------------------------------------------------------


def test_baidu_md5_sign_verified_independently():
    def handler(req):
        assert req.method == "POST" and req.path == "/api/trans/vip/translate"
        f = req.form()
        expected = hashlib.md5(
            (f["appid"] + f["q"] + f["salt"] + "sec-ret").encode("utf-8")
        ).hexdigest()
        assert f["sign"] == expected and f["from"] == "zh" and f["to"] == "en"
        assert f["q"] == f"{SRC}\n网络安全法"
        return Reply(body={"from": "zh", "to": "en", "trans_result": [
            {"src": SRC, "dst": EN}, {"src": "网络安全法", "dst": "Cybersecurity Law"}]})  # fmt: skip

    with FakeServer(handler) as srv:
        p = make("baidu", srv, key="sec-ret", app_id="2015063000000001")
        assert p.translate([SRC, "网络安全法"]) == [EN, "Cybersecurity Law"]


@pytest.mark.parametrize(
    ("code", "error", "calls"),
    [
        ("54001", AuthError, 1),
        ("52003", AuthError, 1),
        ("54004", QuotaError, 1),
        ("54003", RateLimited, 3),
    ],
)
def test_baidu_error_code_at_http_200(code, error, calls):
    with FakeServer(lambda r: Reply(200, {"error_code": code, "error_msg": "msg"})) as srv:
        with pytest.raises(error, match=code):
            make("baidu", srv, app_id="1").translate([SRC])
        assert len(srv.requests) == calls


# -- Youdao ----------------------------------------------------------------------------------


def _youdao_expected(f, secret):
    q = f["q"]
    inp = q if len(q) <= 20 else q[:10] + str(len(q)) + q[-10:]
    return hashlib.sha256(
        (f["appKey"] + inp + f["salt"] + f["curtime"] + secret).encode()
    ).hexdigest()


def test_youdao_v3_sign_with_input_truncation():
    long_text = (
        "国家互联网信息办公室关于《生成式人工智能服务管理办法（征求意见稿）》公开征求意见的通知"
    )
    assert len(long_text) > 20

    def handler(req):
        f = req.form()
        assert req.path == "/api" and f["signType"] == "v3" and f["from"] == "zh-CHS"
        assert f["sign"] == _youdao_expected(f, "y-secret")
        return Reply(
            body={"errorCode": "0", "query": f["q"], "translation": [EN], "l": "zh-CHS2en"}
        )

    with FakeServer(handler) as srv:
        p = make("youdao", srv, key="y-secret", app_id="appkey1")
        assert p.translate([long_text, "网络安全法"]) == [EN, EN]


@pytest.mark.parametrize(
    ("code", "error"),
    [("108", AuthError), ("202", AuthError), ("401", QuotaError), ("411", RateLimited)],
)
def test_youdao_error_codes(code, error):
    with FakeServer(lambda r: Reply(body={"errorCode": code})) as srv:
        with pytest.raises(error):
            make("youdao", srv, app_id="a").translate([SRC])


# -- Tencent ---------------------------------------------------------------------------------


def _tc3_expected(secret_key, host, body, ts):
    date = dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d")
    canonical = ("POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:" + host
                 + "\n\ncontent-type;host\n" + hashlib.sha256(body).hexdigest())  # fmt: skip
    to_sign = (f"TC3-HMAC-SHA256\n{ts}\n{date}/tmt/tc3_request\n"
               + hashlib.sha256(canonical.encode()).hexdigest())  # fmt: skip

    def h(key, msg):
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    k = h(h(h(("TC3" + secret_key).encode(), date), "tmt"), "tc3_request")
    return hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest(), date


def test_tencent_tc3_signature_verified_independently():
    def handler(req):
        h = req.headers
        assert req.method == "POST" and req.path == "/"
        assert h["x-tc-action"] == "TextTranslate" and h["x-tc-version"] == "2018-03-21"
        assert h["x-tc-region"] == "ap-shanghai"
        sig, date = _tc3_expected("t-secret", h["host"], req.body, int(h["x-tc-timestamp"]))
        assert h["authorization"] == (
            f"TC3-HMAC-SHA256 Credential=AKID1/{date}/tmt/tc3_request, "
            f"SignedHeaders=content-type;host, Signature={sig}"
        )
        assert req.json() == {"SourceText": SRC, "Source": "zh", "Target": "en", "ProjectId": 0}
        return Reply(
            body={"Response": {"TargetText": EN, "Source": "zh", "Target": "en", "RequestId": "r"}}
        )

    with FakeServer(handler) as srv:
        p = make("tencent", srv, key="t-secret", app_id="AKID1", region="ap-shanghai")
        assert p.translate([SRC]) == [EN]


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("AuthFailure.SignatureFailure", AuthError),
        ("FailedOperation.NoFreeAmount", QuotaError),
        ("InvalidParameter", BadResponse),
    ],
)
def test_tencent_response_error_at_http_200(code, error):
    body = {"Response": {"Error": {"Code": code, "Message": "m"}, "RequestId": "r"}}
    with FakeServer(lambda r: Reply(body=body)) as srv:
        with pytest.raises(error):
            make("tencent", srv, app_id="AKID").translate([SRC])
        assert len(srv.requests) == 1


# -- registry and keys -----------------------------------------------------------------------


def test_unknown_provider_is_named():
    with pytest.raises(UnknownProvider, match="unknown translation provider 'babel'"):
        provider_class("babel")


def test_keys_live_in_the_keyring():
    set_key("deepl", "secret:fx")
    assert get_key("deepl") == "secret:fx"


def test_missing_key_is_a_config_error():
    from app.translation.providers import ProviderConfigError

    with pytest.raises(ProviderConfigError, match="no API key for the deepl provider"):
        provider_class("deepl")(ProviderSettings(), None)


@pytest.mark.parametrize(
    ("name", "label"), [("baidu", "appid"), ("youdao", "appKey"), ("tencent", "SecretId")]
)
def test_signing_providers_name_their_missing_account_id_before_any_request(name, label):
    from app.translation.providers import ProviderSettings, provider_class
    from app.translation.providers.errors import ProviderConfigError

    provider = provider_class(name)(ProviderSettings(base_url="http://127.0.0.1:9", timeout=1), "k")
    with pytest.raises(ProviderConfigError, match=f"needs its {label} \\(app_id\\)"):
        provider.translate(["测试"])
    assert provider.requests == 0

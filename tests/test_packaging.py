"""The packaged `prod` stage: `scripts/package.py` runs `chalice package` with
`deploy/resources.json` merged in and cfn-lint on the result. Packaging runs
ONCE for this module, in a subprocess: chalice imports app.py with the prod
stage's environment (STAGE=prod), while this process runs with STAGE=local.

The tables in the template are compared with the PynamoDB models in
chalicelib/tables.py (and with the tables `tables.create_tables()` makes under
moto, which is where the stream and TTL are switched on), so the two cannot drift.
"""
import fnmatch
import json
import os
import subprocess
import sys
import zipfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "scripts", "package.py")
BIN_DIR = os.path.dirname(sys.executable)
STAGE = "prod"
# What decides how the app is imported: chalice sets them from .chalice/config.json.
STAGE_ENV = ("STAGE", "INITIATIVES_TABLE", "REFERENCE_TABLE", "IDEMPOTENCY_TABLE")
TABLE_ENV = {kind: f"{kind.upper()}_TABLE"
             for kind in ("initiatives", "reference", "idempotency", "counters", "notifications", "awards", "similar")}
PACKAGE_TIMEOUT_SECONDS = 900


class Packaged:
    def __init__(self, out, result):
        self.out, self.result = out, result
        self.template_path = os.path.join(out, "sam.json")
        self.zip_path = os.path.join(out, "deployment.zip")
        with open(self.template_path, encoding="utf-8") as f:
            self.template = json.load(f)

    @property
    def resources(self) -> dict:
        return self.template["Resources"]

    def of_type(self, kind: str) -> dict:
        return {name: r for name, r in self.resources.items() if r["Type"] == kind}

    def output(self) -> str:
        return f"--- stdout\n{self.result.stdout}\n--- stderr\n{self.result.stderr}"


@pytest.fixture(scope="module")
def packaged(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("package"))
    env = {k: v for k, v in os.environ.items() if k not in STAGE_ENV}
    env.setdefault("AWS_DEFAULT_REGION", "ap-southeast-1")
    result = subprocess.run([sys.executable, SCRIPT, "--stage", STAGE, "--out", out], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=PACKAGE_TIMEOUT_SECONDS)
    if not os.path.exists(os.path.join(out, "sam.json")):
        pytest.fail(f"scripts/package.py wrote no template (exit code {result.returncode})\n"
                    f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}")
    return Packaged(out, result)


def prod_config() -> dict:
    with open(os.path.join(ROOT, ".chalice", "config.json"), encoding="utf-8") as f:
        return json.load(f)["stages"][STAGE]


# ---------------------------------------------------------------- the packaging itself

def test_package_script_succeeds(packaged):
    assert packaged.result.returncode == 0, packaged.output()
    assert packaged.template_path in packaged.result.stdout


def test_cfn_lint_passes(packaged):
    result = subprocess.run([os.path.join(BIN_DIR, "cfn-lint"), "--regions", "ap-southeast-1", "--",
                             packaged.template_path], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------- routes

def test_dev_routes_are_not_packaged(packaged):
    (api,) = packaged.of_type("AWS::Serverless::Api").values()
    paths = api["Properties"]["DefinitionBody"]["paths"]
    assert "/submissions" in paths
    assert "/dev/users" not in paths and "/dev/token" not in paths
    assert not [path for path in paths if path.startswith("/dev")]


def test_dev_routes_exist_locally():
    """The check above means something: the same app has the dev routes in the local stage."""
    from app import app

    assert os.environ["STAGE"] == "local"
    assert {"/dev/users", "/dev/token", "/submissions"} <= set(app.routes)


# ---------------------------------------------------------------- tables

def model_table(model) -> dict:
    """What a PynamoDB model declares about its table, in CloudFormation's terms."""
    from pynamodb.indexes import GlobalSecondaryIndex, LocalSecondaryIndex

    def key_schema(hash_attr, range_attr):
        keys = [{"AttributeName": hash_attr.attr_name, "KeyType": "HASH"}]
        if range_attr is not None:
            keys.append({"AttributeName": range_attr.attr_name, "KeyType": "RANGE"})
        return keys

    key_attrs = {a.attr_name: a.attr_type for a in (model._hash_key_attribute(), model._range_key_attribute()) if a}
    indexes = {"GlobalSecondaryIndexes": {}, "LocalSecondaryIndexes": {}}
    for index in model._indexes.values():
        attrs = index.Meta.attributes.values()
        hash_attr = next(a for a in attrs if a.is_hash_key)
        range_attr = next((a for a in attrs if a.is_range_key), None)
        key_attrs.update({a.attr_name: a.attr_type for a in (hash_attr, range_attr) if a})
        projection = index.Meta.projection
        kind = ("GlobalSecondaryIndexes" if isinstance(index, GlobalSecondaryIndex)
                else "LocalSecondaryIndexes" if isinstance(index, LocalSecondaryIndex) else None)
        assert kind, f"{index!r} is neither a global nor a local secondary index"
        indexes[kind][index.Meta.index_name] = {
            "KeySchema": key_schema(hash_attr, range_attr),
            "ProjectionType": projection.projection_type,
            "NonKeyAttributes": sorted(getattr(projection, "non_key_attributes", None) or []),
        }
    ttl = model._ttl_attribute()
    return {
        "KeySchema": key_schema(model._hash_key_attribute(), model._range_key_attribute()),
        "AttributeDefinitions": key_attrs,
        "BillingMode": getattr(model.Meta, "billing_mode", None) or "PROVISIONED",
        "TTL": ttl.attr_name if ttl is not None else None,
        **indexes,
    }


def template_table(resource: dict) -> dict:
    props = resource["Properties"]

    def indexes(kind):
        return {index["IndexName"]: {
            "KeySchema": index["KeySchema"],
            "ProjectionType": index["Projection"]["ProjectionType"],
            "NonKeyAttributes": sorted(index["Projection"].get("NonKeyAttributes", [])),
        } for index in props.get(kind, [])}

    ttl = props.get("TimeToLiveSpecification")
    return {
        "KeySchema": props["KeySchema"],
        "AttributeDefinitions": {a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]},
        "BillingMode": props.get("BillingMode", "PROVISIONED"),
        "TTL": ttl["AttributeName"] if ttl and ttl.get("Enabled") else None,
        "GlobalSecondaryIndexes": indexes("GlobalSecondaryIndexes"),
        "LocalSecondaryIndexes": indexes("LocalSecondaryIndexes"),
    }


def tables_by_kind(packaged) -> dict:
    """kind → (logical id, resource), matched by the prod stage's table names."""
    from chalicelib.tables import TABLES

    names = {prod_config()["environment_variables"][TABLE_ENV[kind]]: kind for kind in TABLES}
    found = {}
    for logical_id, resource in packaged.of_type("AWS::DynamoDB::Table").items():
        name = resource["Properties"].get("TableName")
        assert name in names, f"{logical_id}: table {name!r} is not one of the prod stage's {sorted(names)}"
        found[names[name]] = (logical_id, resource)
    assert set(found) == set(TABLES), "every table in chalicelib.tables.TABLES, and only those"
    return found


def test_tables_match_the_models(packaged):
    from chalicelib.tables import TABLES

    for kind, (logical_id, resource) in tables_by_kind(packaged).items():
        assert template_table(resource) == model_table(TABLES[kind].model), f"{logical_id} ({kind})"


def test_tables_match_the_tables_the_app_creates(packaged, aws):
    """Streams and TTL are switched on in code (`tables.create_tables`), not in the models:
    compare with what that code makes under moto."""
    import boto3

    from chalicelib import settings

    client = boto3.client("dynamodb")
    for kind, (logical_id, resource) in tables_by_kind(packaged).items():
        props = resource["Properties"]
        made = client.describe_table(TableName=settings.table_name(kind))["Table"]
        stream = made.get("StreamSpecification") or {}
        expected = {"StreamViewType": stream["StreamViewType"]} if stream.get("StreamEnabled") else None
        declared = props.get("StreamSpecification")
        assert declared == expected, f"{logical_id} ({kind}): stream"

        ttl = client.describe_time_to_live(TableName=settings.table_name(kind))["TimeToLiveDescription"]
        expected = ({"AttributeName": ttl["AttributeName"], "Enabled": True}
                    if ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING") else None)
        assert props.get("TimeToLiveSpecification") == expected, f"{logical_id} ({kind}): TTL"

        assert props["KeySchema"] == made["KeySchema"], f"{logical_id} ({kind})"
        assert ({a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]}
                == {a["AttributeName"]: a["AttributeType"] for a in made["AttributeDefinitions"]})
        declared_gsis = {g["IndexName"]: (g["KeySchema"], g["Projection"]["ProjectionType"],
                                          sorted(g["Projection"].get("NonKeyAttributes", [])))
                         for g in props.get("GlobalSecondaryIndexes", [])}
        made_gsis = {g["IndexName"]: (g["KeySchema"], g["Projection"]["ProjectionType"],
                                      sorted(g["Projection"].get("NonKeyAttributes", [])))
                     for g in made.get("GlobalSecondaryIndexes", [])}
        assert declared_gsis == made_gsis, f"{logical_id} ({kind}): global secondary indexes"


def test_tables_are_protected(packaged):
    for logical_id, resource in packaged.of_type("AWS::DynamoDB::Table").items():
        props = resource["Properties"]
        assert resource.get("DeletionPolicy") == "Retain", logical_id
        assert resource.get("UpdateReplacePolicy") == "Retain", logical_id
        assert props["BillingMode"] == "PAY_PER_REQUEST", logical_id
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}, logical_id
        assert props["SSESpecification"]["SSEEnabled"] is True, logical_id


# ---------------------------------------------------------------- IAM

def statements(packaged):
    """(where, statement) for every IAM statement in the template; SAM policy
    templates and managed policies are returned as pseudo-statements to check by name."""
    for logical_id, resource in packaged.resources.items():
        props = resource.get("Properties", {})
        kind = resource["Type"]
        documents = []
        if kind == "AWS::IAM::Role":
            documents += [(f"{logical_id}/{p.get('PolicyName')}", p["PolicyDocument"]) for p in props.get("Policies", [])]
            for arn in props.get("ManagedPolicyArns", []):
                yield f"{logical_id}/ManagedPolicyArns", {"Managed": json.dumps(arn)}
        elif kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            documents.append((logical_id, props["PolicyDocument"]))
        elif kind == "AWS::Serverless::Function":
            policies = props.get("Policies", [])
            for policy in policies if isinstance(policies, list) else [policies]:
                if isinstance(policy, dict) and "Statement" in policy:
                    documents.append((f"{logical_id}/Policies", policy))
                else:
                    yield f"{logical_id}/Policies", {"Managed": json.dumps(policy)}
        for where, document in documents:
            body = document.get("Statement", [])
            for statement in body if isinstance(body, list) else [body]:
                yield where, statement


def as_list(value):
    return value if isinstance(value, list) else [value]


def test_no_policy_allows_scan_or_wildcards_on_dynamodb(packaged):
    dynamodb_statements = 0
    for where, statement in statements(packaged):
        if "Managed" in statement:
            # SAM's DynamoDB policy templates and the AWS managed DynamoDB policies all allow Scan.
            assert "dynamodb" not in statement["Managed"].lower(), f"{where}: {statement['Managed']}"
            continue
        if statement.get("Effect") != "Allow":
            continue
        assert "NotAction" not in statement and "NotResource" not in statement, where
        actions = [a.lower() for a in as_list(statement.get("Action", []))]
        for action in actions:
            assert not fnmatch.fnmatchcase("dynamodb:scan", action), f"{where}: {action} allows dynamodb:Scan"
            assert action not in ("*", "dynamodb:*"), f"{where}: {action}"
        if any(a.startswith("dynamodb:") for a in actions):
            dynamodb_statements += 1
            for resource in as_list(statement.get("Resource")):
                assert resource != "*", f"{where}: DynamoDB actions on Resource '*'"
                assert not (isinstance(resource, str) and "dynamodb" in resource and "table/*" in resource), where
    assert dynamodb_statements, "the template grants no DynamoDB access at all"


STREAM_ACTIONS = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
                  "dynamodb:ListStreams"}


def test_stream_consumers_report_failures_retry_a_bounded_number_of_times_and_keep_what_fails(packaged):
    functions = packaged.of_type("AWS::Serverless::Function")
    queues = packaged.of_type("AWS::SQS::Queue")
    consumers = {name: fn for name, fn in functions.items()
                 if any(e["Type"] == "DynamoDB" for e in fn["Properties"].get("Events", {}).values())}
    assert set(consumers) == {"CountChanges", "ReactToEvents", "IndexSimilar"}
    for name, fn in consumers.items():
        (source,) = [e["Properties"] for e in fn["Properties"]["Events"].values()]
        assert source["Stream"] == {"Fn::GetAtt": ["InitiativesTable", "StreamArn"]}, name
        assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"], name
        assert 0 < source["MaximumRetryAttempts"] <= 10, name
        destination = source["DestinationConfig"]["OnFailure"]["Destination"]
        assert destination["Fn::GetAtt"][0] in queues, name
        # Each consumer has a role of its own, able to send what fails to that queue.
        role = fn["Properties"]["Role"]["Fn::GetAtt"][0]
        assert role != "DefaultRole", name
        statements = [st for policy in packaged.resources[role]["Properties"]["Policies"]
                      for st in as_list(policy["PolicyDocument"]["Statement"])]
        assert any("sqs:SendMessage" in as_list(st["Action"]) and destination in as_list(st["Resource"])
                   for st in statements), name


def test_counting_takes_large_batches_within_a_short_window(packaged):
    # Counting sums a batch per counter: batches of 1,000 (or 5 s) are what keeps a peak's hot items
    # cool and a life's counting cheap (bench/burst.py, bench/cost_meter.py measure it so deployed).
    from chalicelib import streams

    fn = packaged.of_type("AWS::Serverless::Function")["CountChanges"]
    (source,) = [e["Properties"] for e in fn["Properties"]["Events"].values()]
    assert source["BatchSize"] == streams.COUNT_BATCH == 1000
    assert source["MaximumBatchingWindowInSeconds"] == streams.COUNT_WINDOW == 5
    # A batch of 1,000 is about 50 transactions: well inside the function's time
    assert fn["Properties"].get("Timeout", 0) >= 30


def test_api_role_is_scoped_to_the_tables(packaged):
    """Every DynamoDB grant names one of the three tables (or its indexes) by
    reference, and the app's calls are all allowed."""
    tables = {logical_id: kind for kind, (logical_id, _) in tables_by_kind(packaged).items()}
    functions = packaged.of_type("AWS::Serverless::Function")
    assert functions
    roles = {fn["Properties"]["Role"]["Fn::GetAtt"][0] for fn in functions.values()}
    granted = set()  # (kind, "table" | "index", action)
    for role in roles:
        for policy in packaged.resources[role]["Properties"]["Policies"]:
            for statement in as_list(policy["PolicyDocument"]["Statement"]):
                actions = [a for a in as_list(statement["Action"]) if a.startswith("dynamodb:")]
                if not actions:
                    continue
                for resource in as_list(statement["Resource"]):
                    if "Fn::GetAtt" in resource:
                        logical_id, attribute = resource["Fn::GetAtt"]
                        if attribute == "StreamArn":  # the stream consumers read the stream only
                            assert logical_id == "InitiativesTable" and all(
                                a in STREAM_ACTIONS for a in actions), statement
                            continue
                        assert attribute == "Arn" and logical_id in tables, resource
                        target = (tables[logical_id], "table")
                    else:
                        sub = resource["Fn::Sub"]
                        assert isinstance(sub, str) and sub.startswith("${") and sub.endswith(".Arn}/index/*"), sub
                        logical_id = sub[2:-len(".Arn}/index/*")]
                        assert logical_id in tables, sub
                        target = (tables[logical_id], "index")
                    granted |= {(*target, action) for action in actions}
    needed = {
        ("initiatives", "table", "dynamodb:PutItem"),  # TransactWriteItems: initiative, event, code claim
        ("initiatives", "table", "dynamodb:GetItem"),
        ("initiatives", "table", "dynamodb:DeleteItem"),  # a reviewer releases their claim on a queue item
        ("initiatives", "index", "dynamodb:Query"),  # by_submitter
        ("idempotency", "table", "dynamodb:PutItem"),  # in the same transaction
        ("idempotency", "table", "dynamodb:GetItem"),
        ("reference", "table", "dynamodb:GetItem"),
        ("reference", "table", "dynamodb:Query"),
        ("reference", "table", "dynamodb:BatchGetItem"),
    }
    assert needed <= granted, sorted(needed - granted)


def test_the_snapshots_are_the_only_counters_the_api_and_the_honours_schedule_write(packaged):
    """Rankings and the clusters' leaders are snapshots rebuilt by the API
    (counters.store.save_ranking, save_honours) and by the `snapshot_honours`
    schedule: their roles may put those items, named by their leading keys,
    and no other item of the counters table (the stream's counting owns them)."""
    functions = packaged.of_type("AWS::Serverless::Function")
    for name in ("APIHandler", "SnapshotHonours"):
        role = functions[name]["Properties"]["Role"]["Fn::GetAtt"][0]
        writes = [statement for policy in packaged.resources[role]["Properties"]["Policies"]
                  for statement in as_list(policy["PolicyDocument"]["Statement"])
                  if {"dynamodb:PutItem", "dynamodb:BatchWriteItem", "dynamodb:UpdateItem"} & set(as_list(statement["Action"]))
                  and {"Fn::GetAtt": ["CountersTable", "Arn"]} in as_list(statement["Resource"])]
        assert len(writes) == 1, (name, writes)
        assert set(as_list(writes[0]["Action"])) == {"dynamodb:PutItem", "dynamodb:BatchWriteItem"}
        assert writes[0]["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["RANKING#*", "HONOURS#*"]}}


# ---------------------------------------------------------------- Cognito, outputs

def test_api_function_knows_the_user_pool(packaged):
    (pool_id,) = packaged.of_type("AWS::Cognito::UserPool")
    (client_id,) = packaged.of_type("AWS::Cognito::UserPoolClient")
    pool = packaged.resources[pool_id]["Properties"]
    assert {"Name": "unit_id", "AttributeDataType": "String"}.items() <= next(
        a for a in pool["Schema"] if a["Name"] == "unit_id").items()
    client = packaged.resources[client_id]["Properties"]
    assert client["UserPoolId"] == {"Ref": pool_id}
    assert "custom:unit_id" not in client.get("WriteAttributes", ["(all)"]), "users must not move themselves"
    groups = {g["Properties"]["GroupName"]: g["Properties"]["UserPoolId"]
              for g in packaged.of_type("AWS::Cognito::UserPoolGroup").values()}
    assert groups == {name: {"Ref": pool_id} for name in ("member", "reviewer", "leader", "admin")}
    # The API's function (chalice names it APIHandler) verifies the pool's ID tokens.
    variables = packaged.of_type("AWS::Serverless::Function")["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert variables["COGNITO_USER_POOL_ID"] == {"Ref": pool_id}
    assert variables["COGNITO_CLIENT_ID"] == {"Ref": client_id}
    assert variables["STAGE"] == STAGE
    # The pages sign in through the pool's hosted UI (code flow with PKCE) and come back to /app/auth/callback.
    (domain_id,) = packaged.of_type("AWS::Cognito::UserPoolDomain")
    assert packaged.resources[domain_id]["Properties"]["UserPoolId"] == {"Ref": pool_id}
    assert domain_id in json.dumps(variables["COGNITO_DOMAIN"])
    assert client["AllowedOAuthFlows"] == ["code"] and client["AllowedOAuthFlowsUserPoolClient"] is True
    assert client["CallbackURLs"] == [variables["LINK_BASE"] + "/app/auth/callback"]


def test_outputs(packaged):
    outputs = packaged.template["Outputs"]
    assert "EndpointURL" in outputs
    refs = {json.dumps(o["Value"]) for o in outputs.values()}
    for logical_id in [*packaged.of_type("AWS::DynamoDB::Table"), *packaged.of_type("AWS::Cognito::UserPool")]:
        assert json.dumps({"Ref": logical_id}) in refs, logical_id


# ---------------------------------------------------------------- the deployment zip

def test_zip_has_the_schemas_and_messages(packaged):
    with zipfile.ZipFile(packaged.zip_path) as z:
        names = set(z.namelist())
    assert {"app.py", "chalicelib/messages.json", "schemas/submission.json"} <= names
    schemas = {f"schemas/{name}" for name in os.listdir(os.path.join(ROOT, "schemas")) if name.endswith(".json")}
    assert schemas <= names, sorted(schemas - names)


def test_the_award_list_compiler_is_fed_by_its_queue_whose_failures_are_kept(packaged):
    """POST /award-lists queues; CompileRequestedList (its own role and timeout) takes
    one message at a time from that queue; a message failing every delivery goes to a
    dead-letter queue, after the handler has recorded the compile as failed."""
    functions = packaged.of_type("AWS::Serverless::Function")
    queues = packaged.of_type("AWS::SQS::Queue")
    compiler = functions["CompileRequestedList"]["Properties"]
    (source,) = compiler["Events"].values()
    assert source["Type"] == "SQS" and source["Properties"]["BatchSize"] == 1
    assert source["Properties"]["Queue"] == {"Fn::GetAtt": ["AwardListQueue", "Arn"]}
    queue = queues["AwardListQueue"]["Properties"]
    from chalicelib.awards.service import MAX_ATTEMPTS
    assert queue["RedrivePolicy"]["maxReceiveCount"] > MAX_ATTEMPTS
    assert queue["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0] in queues
    assert queue["VisibilityTimeout"] >= 6 * compiler["Timeout"]  # AWS's advice for Lambda consumers
    role = compiler["Role"]["Fn::GetAtt"][0]
    assert role != "DefaultRole"
    granted = {action for policy in packaged.resources[role]["Properties"]["Policies"]
               for st in as_list(policy["PolicyDocument"]["Statement"]) for action in as_list(st["Action"])}
    assert {"sqs:ReceiveMessage", "sqs:DeleteMessage", "dynamodb:Query"} <= granted
    api = functions["APIHandler"]["Properties"]
    assert api["Environment"]["Variables"]["AWARD_LIST_QUEUE_URL"] == {"Ref": "AwardListQueue"}

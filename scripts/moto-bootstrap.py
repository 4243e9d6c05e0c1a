#!/usr/bin/env python3
"""Prepares a moto_server started with INITIAL_NO_AUTH_ACTION_COUNT=4 for ccrelay's S3 tests.

Uses exactly the four unauthenticated calls moto allows (create an IAM user, its access key, an
allow-all user policy, and a read-back of the user), then checks that authentication is on: a call
signed with a wrong secret must be refused. Prints shell assignments for the test run:
MOTO_ACCESS_KEY_ID and MOTO_SECRET_ACCESS_KEY.

Usage: scripts/moto-bootstrap.py http://127.0.0.1:PORT
"""
import json
import sys

import boto3
import botocore.exceptions

USER = "ccrelay-tests"
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def client(service, endpoint, key_id, secret):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
    )


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: moto-bootstrap.py ENDPOINT")
    endpoint = sys.argv[1]
    # The credentials of these four calls are not checked (INITIAL_NO_AUTH_ACTION_COUNT=4).
    iam = client("iam", endpoint, "bootstrap", "bootstrap")
    iam.create_user(UserName=USER)
    key = iam.create_access_key(UserName=USER)["AccessKey"]
    iam.put_user_policy(UserName=USER, PolicyName="allow-all", PolicyDocument=json.dumps(POLICY))
    iam.get_user(UserName=USER)

    # From here on every signature is checked.
    s3 = client("s3", endpoint, key["AccessKeyId"], key["SecretAccessKey"] + "wrong")
    try:
        s3.list_buckets()
    except botocore.exceptions.ClientError as error:
        code = error.response.get("Error", {}).get("Code")
        if code != "SignatureDoesNotMatch":
            sys.exit(f"moto-bootstrap: a wrong secret was refused with {code}, expected SignatureDoesNotMatch")
    else:
        sys.exit("moto-bootstrap: moto accepted a wrong secret: authentication is not on")
    client("s3", endpoint, key["AccessKeyId"], key["SecretAccessKey"]).list_buckets()

    print(f"MOTO_ACCESS_KEY_ID={key['AccessKeyId']}")
    print(f"MOTO_SECRET_ACCESS_KEY={key['SecretAccessKey']}")


if __name__ == "__main__":
    main()

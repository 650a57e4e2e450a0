"""A small question bank with one question of each type, and two quizzes."""

BANK = {
    "topics": [
        {"slug": "iam-groups", "name": "IAM groups", "guide": "iam-groups"},
        {"slug": "container", "name": "Container services", "category": "container"},
    ],
    "questions": [
        {
            "slug": "groups-rule",
            "type": "single",
            "prompt": "Which statement about IAM groups is true?",
            "explanation": "Groups hold users only.",
            "topics": ["iam-groups"],
            "choices": [
                {"text": "A group can contain other groups.", "correct": False,
                 "feedback": "Groups do not nest."},
                {"text": "A user can belong to several groups.", "correct": True,
                 "feedback": "Yes."},
                {"text": "A group can sign in.", "correct": False,
                 "feedback": "A group is not an identity."},
            ],
        },
        {
            "slug": "root-credentials",
            "type": "multiple",
            "prompt": "Which are credentials of the root user?",
            "explanation": "Email and password; access keys.",
            "difficulty": 2,
            "choices": [
                {"text": "Email address and password", "correct": True},
                {"text": "Access keys", "correct": True},
                {"text": "An IAM group", "correct": False},
                {"text": "A security group", "correct": False},
            ],
        },
        {
            "slug": "groups-nest",
            "type": "true_false",
            "prompt": "Groups can belong to groups.",
            "explanation": "They cannot.",
            "topics": ["iam-groups"],
            "answer": False,
        },
        {
            "slug": "sort-container",
            "type": "sort",
            "prompt": "Who owns each duty for container services?",
            "explanation": "AWS runs the platform; you protect the data.",
            "topics": ["container"],
            "sort_category": "container",
            "sort_areas": ["guest-os", "customer-data"],
        },
        {
            "slug": "read-get-star",
            "type": "policy",
            "prompt": "Is the request allowed?",
            "explanation": "s3:Get* covers s3:GetObject.",
            "policy": '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",'
            ' "Action": "s3:Get*", "Resource": "arn:aws:s3:::reports/*"}]}',
            "request": {
                "principal": "arn:aws:iam::123456789012:user/alice",
                "action": "s3:GetObject",
                "resource": "arn:aws:s3:::reports/q1.csv",
                "context": {},
            },
        },
        {
            "slug": "name-effect",
            "type": "short",
            "prompt": "Which element says allow or deny?",
            "explanation": "Effect.",
            "accepted_answers": ["Effect", "the Effect element"],
        },
        {
            "slug": "access-keys-count",
            "type": "numerical",
            "prompt": "How many access keys can an IAM user have at once?",
            "explanation": "Two.",
            "answer": 2,
            "tolerance": 0,
        },
    ],
    "quizzes": [
        {
            "slug": "basics",
            "title": "Basics",
            "pass_mark": 50,
            "feedback": "immediate",
            "questions": [
                "groups-rule", "root-credentials", "groups-nest",
                "sort-container", "read-get-star", "name-effect",
                "access-keys-count",
            ],
        },
        {
            "slug": "timed",
            "title": "Timed",
            "pass_mark": 70,
            "attempt_limit": 2,
            "time_limit_minutes": 5,
            "feedback": "end",
            "questions": ["name-effect"],
            "draws": [{"topic": "iam-groups", "count": 1}],
        },
    ],
}  # fmt: skip

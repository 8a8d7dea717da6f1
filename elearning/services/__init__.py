"""Every write of the learning platform, by area: spaces and enrolment, materials, the question
bank, quizzes and attempts, group tasks."""
